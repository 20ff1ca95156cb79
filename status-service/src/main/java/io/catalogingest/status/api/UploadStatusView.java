package io.catalogingest.status.api;

import java.time.Instant;

import io.catalogingest.status.store.UploadProgress;
import io.catalogingest.status.core.ListPosition;
import io.catalogingest.status.core.UploadStatus;

/**
 * What {@code GET /v1/uploads/{id}} answers. {@code totalItems} and {@code pending} are null while a
 * staged upload has not been counted by the splitter yet.
 */
public record UploadStatusView(String uploadId, UploadStatus status, Integer totalItems, int succeeded, int failed,
        int refused, Integer pending, double progress, Stages stages, Instant acceptedAt, Instant startedAt, Instant completedAt,
        Instant cancelledAt) {

    public record StageCounts(int succeeded, int failed, int pending) {}

    public record Stages(StageCounts catalog, StageCounts images) {}

    public static UploadStatusView of(UploadProgress p) {
        Integer counted = p.getTotalItems();
        int total = counted == null ? 0 : counted;
        int finished = p.getSucceeded() + p.getFailed();
        int processable = total - p.getRefused();
        return new UploadStatusView(p.getUploadId(), UploadStatus.of(p), counted, p.getSucceeded(), p.getFailed(),
                p.getRefused(), counted == null ? null : Math.max(0, total - finished),
                counted == null ? 0.0 : total == 0 ? 1.0 : Math.min(1.0, (double) finished / total),
                new Stages(stage(processable, p.getCatalogSucceeded(), p.getCatalogFailed()),
                        stage(processable, p.getImagesSucceeded(), p.getImagesFailed())),
                p.getAcceptedAt(), p.getStartedAt(), p.getCompletedAt(), p.getCancelledAt());
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
