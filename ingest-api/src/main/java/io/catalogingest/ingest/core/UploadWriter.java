package io.catalogingest.ingest.core;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.UploadAccepted;

/** Where an upload's records go: in production one Kafka transaction, committed by the caller. */
public interface UploadWriter {
    void product(ProductSubmitted product);

    void refused(ItemProcessed refusal);

    void accepted(UploadAccepted accepted);
}
