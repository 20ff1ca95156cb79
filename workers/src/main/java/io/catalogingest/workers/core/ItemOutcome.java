package io.catalogingest.workers.core;

import io.catalogingest.schemas.ProductSubmitted;

/** What a stage made of one product: applied, or the failure that kept it from being applied. */
public record ItemOutcome(ProductSubmitted product, ItemFailure failure) {
    public static ItemOutcome applied(ProductSubmitted product) {
        return new ItemOutcome(product, null);
    }

    public static ItemOutcome failed(ProductSubmitted product, ItemFailure failure) {
        return new ItemOutcome(product, failure);
    }

    public boolean succeeded() {
        return failure == null;
    }
}
