package io.catalogingest.workers.core;

import io.catalogingest.schemas.ProductSubmitted;

/**
 * Orders submissions of one SKU: the later accepted upload wins, wherever its records come from.
 * The order is the number the database sequence {@code submission_order} gave the upload as it
 * was committed, so no pod's clock decides; a record from before that sequence falls back to its
 * acceptance time in epoch milliseconds, which every sequence number exceeds.
 */
public final class SubmissionVersion {
    private SubmissionVersion() {}

    public static long of(ProductSubmitted p) {
        return p.getSubmissionOrder() != null ? p.getSubmissionOrder() : p.getAcceptedAt().toEpochMilli();
    }
}
