package io.catalogingest.workers.core;

import java.util.List;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;

/** One worker stage: applies a batch of products and says, per product, whether it was applied. */
public interface StageHandler {
    Stage stage();

    /**
     * Applies the batch idempotently and returns one outcome per product, in batch order.
     * Item-level problems are failed outcomes (permanent or transient); a fault that affects the
     * whole batch (database or object store unavailable) is thrown, and the batch is processed
     * again later without counting as an attempt.
     */
    List<ItemOutcome> process(List<ProductSubmitted> batch) throws Exception;
}
