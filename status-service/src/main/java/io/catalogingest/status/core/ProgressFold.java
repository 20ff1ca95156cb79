package io.catalogingest.status.core;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.status.store.UploadProgress;

/**
 * Folds an upload's own records, and the count changes of its outcome chunks
 * ({@link OutcomeChunk}), into its progress. Every time it sets is the fold's own clock ({@code now}),
 * never a worker's or a client's.
 */
public final class ProgressFold {
    private ProgressFold() {}

    public static UploadProgress empty(String uploadId) {
        return UploadProgress.newBuilder().setUploadId(uploadId).build();
    }

    public static UploadProgress accepted(UploadProgress current, UploadAccepted accepted, Instant now) {
        UploadProgress.Builder next = UploadProgress.newBuilder(current)
                .setMerchantId(accepted.getMerchantId())
                .setAcceptedAt(accepted.getAcceptedAt());
        if (accepted.getItemCount() != null) { // a staged upload is counted by the splitter
            next.setTotalItems(accepted.getItemCount());
        }
        return withCompletion(next.build(), now);
    }

    /**
     * The splitter's count is the body's own: it settles the total of staged uploads. A split stopped
     * by a cancellation cancels the upload whatever the fold saw before: the rest of its items will
     * never exist, so it could never finish otherwise.
     */
    public static UploadProgress split(UploadProgress current, UploadSplit split, Instant now) {
        if (split.getCancelled()) {
            if (current.getCancelledAt() != null || UploadStatus.of(current) == UploadStatus.DONE) {
                return current;
            }
            return UploadProgress.newBuilder(current).setMerchantId(split.getMerchantId()).setCancelledAt(now).build();
        }
        UploadProgress next = UploadProgress.newBuilder(current)
                .setMerchantId(split.getMerchantId())
                .setTotalItems(split.getItemCount())
                .build();
        return withCompletion(next, now);
    }

    /**
     * A merchant's cancel takes effect only while the upload is IN_QUEUE here, in the fold's own
     * state (skips alone, which the cancel itself causes, leave it queued); later it is recorded as
     * refused and changes nothing else. The items a worker then skips are reported as failed, so
     * the upload still finishes.
     */
    public static UploadProgress cancelled(UploadProgress current, Instant now) {
        UploadStatus status = UploadStatus.of(current);
        if (status == UploadStatus.IN_QUEUE) {
            return UploadProgress.newBuilder(current).setCancelledAt(now).build();
        }
        if (status == UploadStatus.CANCELLED || current.getCancelRefusedAt() != null) {
            return current;
        }
        return UploadProgress.newBuilder(current).setCancelRefusedAt(now).build();
    }

    /** Adds a change of the counts of the upload's items. */
    public static UploadProgress counted(UploadProgress current, OutcomeChunk.Counts change, Instant now) {
        if (change.equals(OutcomeChunk.Counts.NONE)) {
            return current;
        }
        UploadProgress.Builder next = UploadProgress.newBuilder(current)
                .setCatalogSucceeded(current.getCatalogSucceeded() + change.catalogSucceeded())
                .setCatalogFailed(current.getCatalogFailed() + change.catalogFailed())
                .setImagesSucceeded(current.getImagesSucceeded() + change.imagesSucceeded())
                .setImagesFailed(current.getImagesFailed() + change.imagesFailed())
                .setRefused(current.getRefused() + change.refused())
                .setSucceeded(current.getSucceeded() + change.succeeded())
                .setFailed(current.getFailed() + change.failed())
                .setSkipped(current.getSkipped() + change.skipped());
        UploadProgress counted = next.build();
        if (counted.getCancelledAt() != null) {
            return counted; // a cancelled upload neither starts nor completes; the workers' skips only fill in its counts
        }
        if (counted.getStartedAt() == null && UploadStatus.of(counted) != UploadStatus.IN_QUEUE) {
            counted = UploadProgress.newBuilder(counted).setStartedAt(now).build();
        }
        return withCompletion(counted, now);
    }

    /** The event for the webhooks when this change finished the upload (DONE or CANCELLED), once. */
    public static Optional<UploadFinished> finished(UploadProgress before, UploadProgress after) {
        UploadStatus was = UploadStatus.of(before);
        UploadStatus is = UploadStatus.of(after);
        if (was == is || !is.isFinal() || was.isFinal() || after.getMerchantId() == null) {
            return Optional.empty();
        }
        Instant at = is == UploadStatus.CANCELLED ? after.getCancelledAt() : after.getCompletedAt();
        return Optional.of(UploadFinished.newBuilder()
                .setEventId(after.getUploadId() + ":" + is.name().toLowerCase(Locale.ROOT))
                .setUploadId(after.getUploadId()).setMerchantId(after.getMerchantId()).setStatus(is.name())
                .setTotalItems(after.getTotalItems() == null ? 0 : after.getTotalItems())
                .setSucceeded(after.getSucceeded()).setFailed(after.getFailed()).setFinishedAt(at).build());
    }

    /** Completed once every item has its outcomes; outcomes are sets, so the count never falls back. */
    private static UploadProgress withCompletion(UploadProgress p, Instant now) {
        boolean complete = p.getTotalItems() != null && p.getSucceeded() + p.getFailed() >= p.getTotalItems();
        // Skips alone come from a cancel on its way here: that cancel, not the skips, finishes the upload.
        boolean onlySkips = p.getSkipped() > 0 && UploadStatus.of(p) == UploadStatus.IN_QUEUE;
        if (complete && !onlySkips && p.getCompletedAt() == null) {
            return UploadProgress.newBuilder(p).setCompletedAt(now).build();
        }
        return p;
    }
}
