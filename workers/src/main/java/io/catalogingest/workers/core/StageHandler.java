package io.catalogingest.workers.core;

import java.util.List;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;

/** One worker stage: applies a batch of products and reports one outcome per product. */
public interface StageHandler {
    Stage stage();

    /**
     * Applies the batch idempotently. Item-level problems become FAILED outcomes; a fault that
     * affects the whole batch (database or object store unavailable) is thrown, and the batch is
     * processed again later.
     */
    List<ItemProcessed> process(List<ProductSubmitted> batch) throws Exception;
}
