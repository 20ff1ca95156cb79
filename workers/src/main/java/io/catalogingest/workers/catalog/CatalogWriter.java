package io.catalogingest.workers.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.StageHandler;
import io.catalogingest.workers.core.SubmissionVersion;
import io.catalogingest.workers.catalog.ProductCopyWriter;
import io.catalogingest.workers.catalog.ProductDao;
import io.catalogingest.workers.catalog.ProductDao.ProductRow;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;

/**
 * The catalog stage: writes a batch of product rows in one transaction with COPY and one merge;
 * rows the database refuses are then isolated one by one, so one bad row fails alone.
 */
public final class CatalogWriter implements StageHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;

    public CatalogWriter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Stage stage() {
        return Stage.CATALOG;
    }

    @Override
    public List<ItemOutcome> process(List<ProductSubmitted> batch) {
        List<ProductRow> rows = batch.stream().map(CatalogWriter::row).toList();
        try {
            jdbi.useTransaction(h -> ProductCopyWriter.merge(h, rows));
            return batch.stream().map(ItemOutcome::applied).toList();
        } catch (StatementException | SQLException e) {
            if (!isDataError(e)) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("catalog batch failed", e);
            }
            return oneByOne(batch, rows);
        }
    }

    /** A row the database refuses must not hold back the rest of its batch: isolate it. */
    private List<ItemOutcome> oneByOne(List<ProductSubmitted> batch, List<ProductRow> rows) {
        List<ItemOutcome> outcomes = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ProductRow row = rows.get(i);
            try {
                jdbi.useTransaction(h -> h.attach(ProductDao.class).upsert(List.of(row)));
                outcomes.add(ItemOutcome.applied(batch.get(i)));
            } catch (StatementException e) {
                if (!isDataError(e)) {
                    throw e;
                }
                outcomes.add(ItemOutcome.failed(batch.get(i),
                        new ItemFailure("INVALID_DATA", "the database refused the product: " + rootMessage(e), true)));
            }
        }
        return outcomes;
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
    private static boolean isDataError(Exception e) {
        SQLException sql = e instanceof SQLException direct ? direct : e.getCause() instanceof SQLException cause ? cause : null;
        return sql != null && sql.getSQLState() != null && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public static ProductRow row(ProductSubmitted p) {
        return new ProductRow(p.getMerchantId(), p.getSku(), p.getTitle(), p.getDescription(), p.getPrice(),
                p.getCurrency(), json(p.getAttributes()), p.getUploadId(), p.getItemIndex(), SubmissionVersion.of(p));
    }

    private static String json(Map<String, String> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
