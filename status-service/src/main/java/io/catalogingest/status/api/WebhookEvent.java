package io.catalogingest.status.api;

import java.time.Instant;

import io.catalogingest.schemas.UploadFinished;

/** The body of a completion webhook: the same on every retry of one event. */
public record WebhookEvent(String eventId, String type, String uploadId, String status, int totalItems, int succeeded,
        int failed, Instant finishedAt) {

    public static WebhookEvent of(UploadFinished finished) {
        return new WebhookEvent(finished.getEventId(), "upload." + finished.getStatus().toLowerCase(java.util.Locale.ROOT),
                finished.getUploadId(), finished.getStatus(), finished.getTotalItems(), finished.getSucceeded(),
                finished.getFailed(), finished.getFinishedAt());
    }
}
