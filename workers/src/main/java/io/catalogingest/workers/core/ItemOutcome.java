package io.catalogingest.workers.core;

import io.catalogingest.schemas.ProductSubmitted;

/**
 * What a stage made of one product: applied, the failure that kept it from being applied, or
 * skipped because its upload was cancelled.
 */
public record ItemOutcome(ProductSubmitted product, ItemFailure failure, boolean cancelled) {
    public static ItemOutcome applied(ProductSubmitted product) {
        return new ItemOutcome(product, null, false);
    }

    public static ItemOutcome failed(ProductSubmitted product, ItemFailure failure) {
        return new ItemOutcome(product, failure, false);
    }

    public static ItemOutcome cancelled(ProductSubmitted product) {
        return new ItemOutcome(product, null, true);
    }

    public boolean succeeded() {
        return failure == null && !cancelled;
    }
}
