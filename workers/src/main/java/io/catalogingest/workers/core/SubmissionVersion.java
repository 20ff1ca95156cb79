package io.catalogingest.workers.core;

import io.catalogingest.schemas.ProductSubmitted;

/** Orders submissions of one SKU: the later accepted upload wins, wherever its records come from. */
public final class SubmissionVersion {
    private SubmissionVersion() {}

    public static long of(ProductSubmitted p) {
        return p.getAcceptedAt().toEpochMilli();
    }
}
