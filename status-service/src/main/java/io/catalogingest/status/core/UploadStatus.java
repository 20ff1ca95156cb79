package io.catalogingest.status.core;

import io.catalogingest.status.store.UploadProgress;

/** The lifecycle merchants see, as in Amazon's Feeds API and Shopify's bulk operations. */
public enum UploadStatus {
    IN_QUEUE, IN_PROGRESS, DONE, CANCELLED;

    /** A cancel is only ever taken while IN_QUEUE, so it cannot hide a DONE. */
    public static UploadStatus of(UploadProgress p) {
        if (p.getCancelledAt() != null) {
            return CANCELLED;
        }
        if (p.getCompletedAt() != null) {
            return DONE;
        }
        // Skips come from a cancel on its way to the fold: they do not start an upload.
        int processed = p.getCatalogSucceeded() + p.getCatalogFailed() + p.getImagesSucceeded() + p.getImagesFailed() - p.getSkipped();
        return processed == 0 ? IN_QUEUE : IN_PROGRESS;
    }

    /** Nothing more happens to the upload; merchants stop polling. */
    public boolean isFinal() {
        return this == DONE || this == CANCELLED;
    }
}
