package io.catalogingest.status.api;

import java.time.Instant;

import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.status.core.ListPosition;
import io.catalogingest.status.core.UploadStatus;

/** What {@code GET /v1/uploads/{id}} answers. */
public record UploadStatusView(String uploadId, UploadStatus status, int totalItems, int succeeded, int failed,
        int refused, int pending, double progress, Stages stages, Instant acceptedAt, Instant startedAt, Instant completedAt,
        Instant cancelledAt) {

    public record StageCounts(int succeeded, int failed, int pending) {}

    public record Stages(StageCounts catalog, StageCounts images) {}

    public static UploadStatusView of(UploadProgress p) {
        int total = p.getTotalItems();
        int finished = p.getSucceeded() + p.getFailed();
        int processable = total - p.getRefused();
        return new UploadStatusView(p.getUploadId(), UploadStatus.of(p), total, p.getSucceeded(), p.getFailed(),
                p.getRefused(), Math.max(0, total - finished), total == 0 ? 1.0 : Math.min(1.0, (double) finished / total),
                new Stages(stage(processable, p.getCatalogSucceeded(), p.getCatalogFailed()),
                        stage(processable, p.getImagesSucceeded(), p.getImagesFailed())),
                p.getAcceptedAt(), p.getStartedAt(), p.getCompletedAt(), p.getCancelledAt());
    }

    /** The answer to a cancel the fold has not seen yet. */
    public static UploadStatusView cancelling(UploadProgress p) {
        return of(UploadProgress.newBuilder(p).setCancelledAt(Instant.now()).build());
    }

    /** Items refused at ingest never reach a stage, so they are not pending there. */
    private static StageCounts stage(int processable, int succeeded, int failed) {
        return new StageCounts(succeeded, failed, Math.max(0, processable - succeeded - failed));
    }

    /** Its place in the merchant's list (newest first); not part of the answer. */
    public String position() {
        return ListPosition.of(acceptedAt, uploadId);
    }
}
