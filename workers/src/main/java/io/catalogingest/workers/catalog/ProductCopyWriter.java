package io.catalogingest.workers.catalog;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.catalogingest.workers.catalog.ProductDao.ProductRow;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * The fast path of the catalog writer: COPY a batch into a session-local staging table, then merge
 * it into {@code products} in one statement behind the same version guard as the row-by-row
 * upsert. Within a batch only the newest submission of a SKU is copied, since one statement may
 * not update a row twice.
 */
public final class ProductCopyWriter {
    private static final String STAGING = """
            CREATE TEMP TABLE IF NOT EXISTS products_incoming (LIKE products INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
            """;
    private static final String COPY = "COPY products_incoming (merchant_id, sku, title, description, price, currency, "
            + "attributes, upload_id, item_index, version) FROM STDIN WITH (FORMAT csv)";
    private static final String MERGE = """
            INSERT INTO products (merchant_id, sku, title, description, price, currency, attributes, upload_id,
                                  item_index, version, updated_at)
            SELECT merchant_id, sku, title, description, price, currency, attributes, upload_id, item_index, version, now()
            FROM products_incoming
            ON CONFLICT (merchant_id, sku) DO UPDATE SET
                title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
                currency = EXCLUDED.currency, attributes = EXCLUDED.attributes, upload_id = EXCLUDED.upload_id,
                item_index = EXCLUDED.item_index, version = EXCLUDED.version, updated_at = now()
            WHERE products.version <= EXCLUDED.version
            """;

    private ProductCopyWriter() {}

    /** Merges the rows; call inside a transaction (the staging rows vanish at its commit). */
    public static void merge(Handle handle, List<ProductRow> rows) throws SQLException {
        handle.execute(STAGING);
        PGConnection pg = handle.getConnection().unwrap(PGConnection.class);
        try {
            pg.getCopyAPI().copyIn(COPY, new StringReader(csv(newestPerSku(rows))));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        handle.execute(MERGE);
    }

    static Collection<ProductRow> newestPerSku(List<ProductRow> rows) {
        Map<String, ProductRow> newest = new LinkedHashMap<>(rows.size() * 2);
        for (ProductRow r : rows) {
            newest.merge(r.merchantId() + '/' + r.sku(), r, (a, b) -> b.version() >= a.version() ? b : a);
        }
        return newest.values();
    }

    /** The rows in the CSV form COPY reads (public for the benchmark baseline). */
    public static String csv(Collection<ProductRow> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 200);
        for (ProductRow r : rows) {
            quoted(out, r.merchantId()).append(',');
            quoted(out, r.sku()).append(',');
            quoted(out, r.title()).append(',');
            if (r.description() != null) {
                quoted(out, r.description()); // an unquoted empty field is NULL
            }
            out.append(',').append(plain(r.price())).append(',');
            quoted(out, r.currency()).append(',');
            quoted(out, r.attributesJson()).append(',');
            quoted(out, r.uploadId()).append(',').append(r.itemIndex()).append(',').append(r.version()).append('\n');
        }
        return out.toString();
    }

    private static StringBuilder quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        return out.append('"');
    }

    private static String plain(BigDecimal price) {
        return price.toPlainString();
    }
}
