package io.catalogingest.ingest.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.UploadAccepted;

/** Keeps committed records instead of sending them to Kafka; while failing, commits fail as with Kafka down. */
public final class FakeUploadTransactions implements UploadTransactions {
    private final List<UploadAccepted> committed = new CopyOnWriteArrayList<>();
    private final List<ProductSubmitted> products = new CopyOnWriteArrayList<>();
    private final List<ItemOutcomes> refusals = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    public void reset() {
        committed.clear();
        products.clear();
        refusals.clear();
        failing = false;
    }

    public void failing(boolean fail) {
        failing = fail;
    }

    /** What consumers would see, in order. */
    public List<UploadAccepted> committed() {
        return List.copyOf(committed);
    }

    /** The products committed with small uploads, in order. */
    public List<ProductSubmitted> products() {
        return List.copyOf(products);
    }

    /** The VALIDATION outcome records committed with small uploads, in order. */
    public List<ItemOutcomes> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public void commit(UploadAccepted accepted, List<ProductSubmitted> products, OutcomeBatch refusals)
            throws IntakeUnavailableException {
        if (failing) {
            throw new IntakeUnavailableException("KAFKA_UNAVAILABLE", "the upload could not be committed", null);
        }
        this.products.addAll(products);
        this.refusals.addAll(refusals.records());
        committed.add(accepted);
    }
}
