package io.catalogingest.status.core;

import java.time.Instant;
import java.util.Optional;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.schemas.UploadSplit;

/**
 * Folds upload, split and item records into per-upload counts. Counts derive from the latest outcome of
 * each (item, stage): a record that changes nothing (a duplicate) changes no count, and a replayed
 * outcome replaces the earlier one instead of adding to it.
 */
public final class ProgressFold {
    private ProgressFold() {}

    public static UploadProgress empty(String uploadId) {
        return UploadProgress.newBuilder().setUploadId(uploadId).build();
    }

    public static UploadProgress accepted(UploadProgress current, UploadAccepted accepted) {
        UploadProgress.Builder next = UploadProgress.newBuilder(current)
                .setMerchantId(accepted.getMerchantId())
                .setAcceptedAt(accepted.getAcceptedAt());
        if (accepted.getItemCount() != null) { // a staged upload is counted by the splitter
            next.setTotalItems(accepted.getItemCount());
        }
        return withCompletion(next.build(), accepted.getAcceptedAt());
    }

    /**
     * The splitter's count is the body's own: it settles the total of staged uploads. A split stopped
     * by a cancellation cancels the upload: the splitter reads cancellations where they are written
     * first, so its record can come ahead of the cancellation's own, and must not complete the upload.
     */
    public static UploadProgress split(UploadProgress current, UploadSplit split) {
        if (split.getCancelled()) {
            return cancelled(current, new UploadCancelled(split.getUploadId(), split.getMerchantId(), split.getSplitAt()));
        }
        UploadProgress next = UploadProgress.newBuilder(current)
                .setMerchantId(split.getMerchantId())
                .setTotalItems(split.getItemCount())
                .build();
        return withCompletion(next, split.getSplitAt());
    }

    public static UploadProgress cancelled(UploadProgress current, UploadCancelled cancelled) {
        if (current.getCancelledAt() != null) {
            return current;
        }
        return UploadProgress.newBuilder(current).setMerchantId(cancelled.getMerchantId())
                .setCancelledAt(cancelled.getCancelledAt()).build();
    }

    /**
     * The item's state after this outcome: it replaces the stage's earlier one unless that one was
     * processed later (records of one item can arrive out of order, e.g. across a rebalance).
     */
    public static ItemState merge(ItemState before, ItemProcessed outcome) {
        ItemState.Builder next = before == null ? ItemState.newBuilder() : ItemState.newBuilder(before);
        switch (outcome.getStage()) {
            case CATALOG -> next.setCatalog(latest(next.getCatalog(), outcome));
            case IMAGES -> next.setImages(latest(next.getImages(), outcome));
            case VALIDATION -> next.setValidation(latest(next.getValidation(), outcome));
        }
        return next.build();
    }

    private static ItemProcessed latest(ItemProcessed known, ItemProcessed arrived) {
        return known != null && known.getProcessedAt().isAfter(arrived.getProcessedAt()) ? known : arrived;
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
                .setEventId(after.getUploadId() + ":" + is.name().toLowerCase(java.util.Locale.ROOT))
                .setUploadId(after.getUploadId()).setMerchantId(after.getMerchantId()).setStatus(is.name())
                .setTotalItems(after.getTotalItems() == null ? 0 : after.getTotalItems())
                .setSucceeded(after.getSucceeded()).setFailed(after.getFailed()).setFinishedAt(at).build());
    }

    /** Moves the counts from the item's old state to its new one. */
    public static UploadProgress itemChanged(UploadProgress current, ItemState before, ItemState after, Instant at) {
        UploadProgress.Builder next = UploadProgress.newBuilder(current);
        count(next, before, -1);
        count(next, after, +1);
        if (next.getStartedAt() == null) {
            next.setStartedAt(at);
        }
        return withCompletion(next.build(), at);
    }

    private static void count(UploadProgress.Builder p, ItemState item, int sign) {
        if (item == null) {
            return;
        }
        if (item.getValidation() != null) {
            // Refused at ingest: never reaches the worker stages, finished as failed.
            p.setRefused(p.getRefused() + sign);
            p.setFailed(p.getFailed() + sign);
            return;
        }
        Outcome catalog = outcome(item.getCatalog());
        Outcome images = outcome(item.getImages());
        if (catalog == Outcome.SUCCEEDED) {
            p.setCatalogSucceeded(p.getCatalogSucceeded() + sign);
        } else if (catalog == Outcome.FAILED) {
            p.setCatalogFailed(p.getCatalogFailed() + sign);
        }
        if (images == Outcome.SUCCEEDED) {
            p.setImagesSucceeded(p.getImagesSucceeded() + sign);
        } else if (images == Outcome.FAILED) {
            p.setImagesFailed(p.getImagesFailed() + sign);
        }
        if (catalog != null && images != null) {
            if (catalog == Outcome.SUCCEEDED && images == Outcome.SUCCEEDED) {
                p.setSucceeded(p.getSucceeded() + sign);
            } else {
                p.setFailed(p.getFailed() + sign);
            }
        }
    }

    private static Outcome outcome(ItemProcessed processed) {
        return processed == null ? null : processed.getOutcome();
    }

    /** Completed once every item has both outcomes; a later change (a replay) keeps it complete. */
    private static UploadProgress withCompletion(UploadProgress p, Instant at) {
        boolean complete = p.getTotalItems() != null && p.getSucceeded() + p.getFailed() >= p.getTotalItems();
        if (complete && p.getCompletedAt() == null) {
            return UploadProgress.newBuilder(p).setCompletedAt(at).build();
        }
        if (!complete && p.getCompletedAt() != null) {
            return UploadProgress.newBuilder(p).setCompletedAt(null).build();
        }
        return p;
    }
}
