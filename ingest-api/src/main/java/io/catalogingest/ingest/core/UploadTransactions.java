package io.catalogingest.ingest.core;

import java.util.List;

import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.UploadAccepted;

/**
 * Where accepted uploads are announced: in production one small Kafka transaction per upload. The
 * intake depends on this, not on Kafka, so it can be tested alone.
 */
public interface UploadTransactions {
    /**
     * Commits the record, with the products and refusals of an upload small enough to travel with
     * it (none for a spooled upload, which the splitter splits). Returns only once all is durably
     * committed; throws only when it is certainly not, so the caller never answers 503 for an
     * upload that exists.
     */
    void commit(UploadAccepted accepted, List<ProductSubmitted> products, OutcomeBatch refusals)
            throws IntakeUnavailableException;
}
