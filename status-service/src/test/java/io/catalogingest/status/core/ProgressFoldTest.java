package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.status.store.UploadProgress;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * The fold as the topology applies it, without Kafka: a map of {@link OutcomeChunk}s stands in for
 * the chunk store, and each outcome's change of the chunk's counts goes through
 * {@link ProgressFold#counted}. Every time the fold sets is its own clock, {@code now}.
 */
class ProgressFoldTest {
    /** The item count of an upload accepted before its body was read: the splitter counts it. */
    private static final Integer STAGED = null;

    private final Map<Integer, OutcomeChunk> chunks = new HashMap<>();
    private UploadProgress progress = ProgressFold.empty("u1");
    private long clock = 1_000;

    private Instant now() {
        return Instant.ofEpochMilli(clock++);
    }

    private Optional<UploadFinished> accepted(Integer count) {
        UploadProgress before = progress;
        progress = ProgressFold.accepted(progress, new UploadAccepted("u1", "m1", count, 0, Instant.ofEpochMilli(clock), null, null), now());
        return ProgressFold.finished(before, progress);
    }

    /** The splitter's record; returns the event the fold emits for it, if any. */
    private Optional<UploadFinished> split(int count, boolean cancelled) {
        UploadProgress before = progress;
        progress = ProgressFold.split(progress, new UploadSplit("u1", "m1", count, 0, cancelled, Instant.EPOCH), now());
        return ProgressFold.finished(before, progress);
    }

    private Optional<UploadFinished> cancel() {
        UploadProgress before = progress;
        progress = ProgressFold.cancelled(progress, now());
        return ProgressFold.finished(before, progress);
    }

    private enum Result { SUCCEEDED, FAILED, SKIPPED }

    /** One stage's outcome for one item, as the topology folds a batch: the chunk's change of counts. */
    private Optional<UploadFinished> outcome(int index, Stage stage, Result result) {
        OutcomeChunk chunk = chunks.computeIfAbsent(OutcomeChunk.chunkOf(index), c -> OutcomeChunk.empty());
        OutcomeChunk.Counts was = chunk.counts();
        switch (result) {
            case SUCCEEDED -> chunk.succeeded(stage, RoaringBitmap.bitmapOf(index));
            case FAILED -> chunk.failed(stage, index);
            case SKIPPED -> chunk.skipped(stage, RoaringBitmap.bitmapOf(index));
        }
        UploadProgress before = progress;
        progress = ProgressFold.counted(progress, chunk.counts().minus(was), now());
        return ProgressFold.finished(before, progress);
    }

    private UploadStatus status() {
        return UploadStatus.of(progress);
    }

    @Test
    void statusMovesFromQueuedThroughProgressToDone() {
        accepted(2);
        assertThat(status()).isEqualTo(UploadStatus.IN_QUEUE);
        long first = clock;
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(progress.getStartedAt()).as("the fold's clock").isEqualTo(Instant.ofEpochMilli(first));
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        outcome(1, Stage.CATALOG, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);
        long last = clock;
        outcome(1, Stage.IMAGES, Result.FAILED);
        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getFailed()).isEqualTo(1);
        assertThat(progress.getImagesFailed()).isEqualTo(1);
        assertThat(progress.getCompletedAt()).isEqualTo(Instant.ofEpochMilli(last));
    }

    @Test
    void duplicatesNeverDoubleCount() {
        accepted(1);
        for (int i = 0; i < 3; i++) {
            outcome(0, Stage.CATALOG, Result.SUCCEEDED);
            outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        }
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getCatalogSucceeded()).isEqualTo(1);
        assertThat(progress.getImagesSucceeded()).isEqualTo(1);
    }

    @Test
    void aReplayedFailureThatSucceedsReplacesTheFailure() {
        accepted(1);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.FAILED);
        assertThat(progress.getFailed()).isEqualTo(1);
        Instant completed = progress.getCompletedAt();
        assertThat(completed).isNotNull();

        assertThat(outcome(0, Stage.IMAGES, Result.SUCCEEDED)).as("finished already").isEmpty();

        assertThat(progress.getFailed()).isZero();
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getImagesFailed()).isZero();
        assertThat(progress.getImagesSucceeded()).isEqualTo(1);
        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getCompletedAt()).as("completed once").isEqualTo(completed);
    }

    @Test
    void aFailureArrivingAfterTheSuccessOfTheSameItemChangesNothing() {
        accepted(1);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        UploadProgress done = progress;

        // A stale failure of an earlier attempt, delivered late.
        outcome(0, Stage.IMAGES, Result.FAILED);
        outcome(0, Stage.CATALOG, Result.FAILED);

        assertThat(progress).isEqualTo(done);
        assertThat(chunks.get(0).verdict(Stage.IMAGES, 0)).isEqualTo(OutcomeChunk.Verdict.SUCCEEDED);
    }

    @Test
    void itemsRefusedAtIngestAreFinishedAsFailed() {
        accepted(2);
        outcome(1, Stage.VALIDATION, Result.FAILED);
        assertThat(progress.getRefused()).isEqualTo(1);
        assertThat(progress.getFailed()).isEqualTo(1);
        assertThat(status()).as("a refusal does not start the upload").isEqualTo(UploadStatus.IN_QUEUE);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getCatalogFailed()).isZero();
    }

    @Test
    void skippedItemsCountAsFailedAndFinishTheUpload() {
        accepted(2);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SKIPPED);
        outcome(1, Stage.CATALOG, Result.SKIPPED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);

        UploadFinished event = outcome(1, Stage.IMAGES, Result.SKIPPED).orElseThrow();

        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(progress.getSucceeded(), progress.getFailed())).containsExactly(0, 2);
        assertThat(List.of(progress.getCatalogSucceeded(), progress.getCatalogFailed())).containsExactly(1, 1);
        assertThat(List.of(progress.getImagesSucceeded(), progress.getImagesFailed())).containsExactly(0, 2);
        assertThat(event.getStatus()).isEqualTo("DONE");
    }

    @Test
    void outcomesBeforeTheUploadRecordAreCounted() {
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(progress.getMerchantId()).isNull();

        UploadFinished event = accepted(1).orElseThrow();

        assertThat(progress.getMerchantId()).isEqualTo("m1");
        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(event.getMerchantId()).isEqualTo("m1");
    }

    @Test
    void finishingEmitsOneEventAndCancellingAnother() {
        accepted(1);
        UploadProgress before = progress;
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        assertThat(ProgressFold.finished(before, progress)).isEmpty();
        before = progress;
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        var event = ProgressFold.finished(before, progress).orElseThrow();
        assertThat(event.getEventId()).isEqualTo("u1:done");
        assertThat(event.getSucceeded()).isEqualTo(1);
        assertThat(event.getFinishedAt()).isEqualTo(progress.getCompletedAt());
        assertThat(ProgressFold.finished(progress, progress)).as("once").isEmpty();

        UploadProgress queued = ProgressFold.accepted(ProgressFold.empty("u2"),
                new UploadAccepted("u2", "m1", 3, 0, Instant.EPOCH, null, null), Instant.EPOCH);
        Instant at = Instant.ofEpochMilli(5_000);
        UploadProgress cancelled = ProgressFold.cancelled(queued, at);
        assertThat(UploadStatus.of(cancelled)).isEqualTo(UploadStatus.CANCELLED);
        assertThat(cancelled.getCancelledAt()).isEqualTo(at);
        UploadFinished cancelEvent = ProgressFold.finished(queued, cancelled).orElseThrow();
        assertThat(cancelEvent.getEventId()).isEqualTo("u2:cancelled");
        assertThat(cancelEvent.getFinishedAt()).isEqualTo(at);
        assertThat(ProgressFold.cancelled(cancelled, Instant.ofEpochMilli(9_000)))
                .as("the first cancellation stands").isEqualTo(cancelled);
    }

    /** The workers read a cancel before the fold does: the skips it causes may come first, and leave the upload queued. */
    @Test
    void skipsAloneLeaveTheUploadQueuedSoTheCancelThatCausedThemIsTaken() {
        accepted(2);
        assertThat(outcome(0, Stage.CATALOG, Result.SKIPPED)).isEmpty();
        outcome(1, Stage.CATALOG, Result.SKIPPED);
        assertThat(status()).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(progress.getStartedAt()).isNull();
        assertThat(List.of(progress.getCatalogFailed(), progress.getSkipped())).containsExactly(2, 2);

        long cancelledAt = clock;
        UploadFinished event = cancel().orElseThrow();

        assertThat(event.getStatus()).isEqualTo("CANCELLED");
        assertThat(event.getFinishedAt()).isEqualTo(Instant.ofEpochMilli(cancelledAt));
        assertThat(outcome(0, Stage.IMAGES, Result.SKIPPED)).isEmpty();
        assertThat(outcome(1, Stage.IMAGES, Result.SKIPPED)).as("announced once, never DONE").isEmpty();
        assertThat(status()).isEqualTo(UploadStatus.CANCELLED);
        assertThat(progress.getSkipped()).isEqualTo(4);
    }

    /**
     * As above, when every skip the cancel caused reaches the fold before the cancel does (a small
     * upload: the workers read the cancel from the database at once, the fold from its topic later).
     */
    @Test
    void everySkipOfAnUploadAheadOfItsCancelStillLeavesTheCancelToFinishIt() {
        accepted(1);
        assertThat(outcome(0, Stage.CATALOG, Result.SKIPPED)).isEmpty();
        assertThat(outcome(0, Stage.IMAGES, Result.SKIPPED)).as("skips alone finish nothing").isEmpty();
        assertThat(status()).isEqualTo(UploadStatus.IN_QUEUE);

        assertThat(cancel()).map(UploadFinished::getStatus).contains("CANCELLED");
        assertThat(progress.getCompletedAt()).isNull();
    }

    /** A stage's real outcome, beside skips, does start the upload: a later cancel is refused. */
    @Test
    void anOutcomeThatIsNoSkipStartsTheUploadWhateverTheSkips() {
        accepted(2);
        outcome(0, Stage.CATALOG, Result.SKIPPED);
        outcome(1, Stage.CATALOG, Result.FAILED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);

        assertThat(cancel()).isEmpty();
        assertThat(progress.getCancelRefusedAt()).isNotNull();
    }

    @Test
    void aCancelAfterTheFirstOutcomeIsRefusedAndChangesNothingElse() {
        accepted(2);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        UploadProgress started = progress;
        long refusedAt = clock;

        assertThat(cancel()).isEmpty();

        assertThat(progress.getCancelRefusedAt()).isEqualTo(Instant.ofEpochMilli(refusedAt));
        assertThat(progress.getCancelledAt()).isNull();
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(UploadProgress.newBuilder(progress).setCancelRefusedAt(null).build()).isEqualTo(started);

        assertThat(cancel()).as("a second refusal keeps the first time").isEmpty();
        assertThat(progress.getCancelRefusedAt()).isEqualTo(Instant.ofEpochMilli(refusedAt));

        // The workers skip the rest; the upload finishes DONE, not CANCELLED.
        outcome(0, Stage.IMAGES, Result.SKIPPED);
        outcome(1, Stage.CATALOG, Result.SKIPPED);
        UploadFinished event = outcome(1, Stage.IMAGES, Result.SKIPPED).orElseThrow();
        assertThat(event.getStatus()).isEqualTo("DONE");
        assertThat(List.of(event.getSucceeded(), event.getFailed())).containsExactly(0, 2);
    }

    @Test
    void aCancelAfterDoneChangesNothingButIsRecordedAsRefused() {
        accepted(1);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        UploadProgress done = progress;

        assertThat(cancel()).isEmpty();

        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getCancelledAt()).isNull();
        assertThat(progress.getCancelRefusedAt()).isNotNull();
        assertThat(UploadProgress.newBuilder(progress).setCancelRefusedAt(null).build()).isEqualTo(done);
    }

    @Test
    void aStagedUploadIsQueuedUncountedAndCannotCompleteUntilItsSplitCountsIt() {
        accepted(STAGED);
        assertThat(status()).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(progress.getTotalItems()).isNull();

        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        assertThat(status()).as("every item reported so far is finished").isEqualTo(UploadStatus.IN_PROGRESS);

        assertThat(split(2, false)).isEmpty();
        assertThat(progress.getTotalItems()).isEqualTo(2);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);

        outcome(1, Stage.VALIDATION, Result.FAILED);
        assertThat(status()).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void aSplitArrivingAfterTheLastItemCompletesTheUploadAtItsSplitTime() {
        accepted(STAGED);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.FAILED);
        long splitAt = clock;

        UploadFinished event = split(1, false).orElseThrow();

        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getCompletedAt()).isEqualTo(event.getFinishedAt()).isEqualTo(Instant.ofEpochMilli(splitAt));
        assertThat(List.of(event.getTotalItems(), event.getSucceeded(), event.getFailed())).containsExactly(1, 0, 1);
    }

    @Test
    void aSplitBeforeItsStagedUploadRecordKeepsItsCount() {
        split(1, false);
        accepted(STAGED);

        assertThat(progress.getTotalItems()).isEqualTo(1);
        assertThat(progress.getAcceptedAt()).isNotNull();
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void anUploadSplitIntoNoItemsIsDone() {
        accepted(STAGED);

        UploadFinished event = split(0, false).orElseThrow();

        assertThat(status()).isEqualTo(UploadStatus.DONE);
        assertThat(event.getEventId()).isEqualTo("u1:done");
        assertThat(event.getTotalItems()).isZero();
    }

    @Test
    void aSplitStoppedByTheCancellationCancelsTheUploadEvenAfterItStarted() {
        accepted(STAGED);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        assertThat(status()).isEqualTo(UploadStatus.IN_PROGRESS);

        // The rest of its items will never exist: the upload could never finish otherwise.
        UploadFinished event = split(1, true).orElseThrow();

        assertThat(event.getEventId()).isEqualTo("u1:cancelled");
        assertThat(status()).isEqualTo(UploadStatus.CANCELLED);
    }

    @Test
    void aSplitStoppedByTheCancellationCancelsTheUploadBeforeTheCancellationRecordArrives() {
        accepted(STAGED);

        // The splitter reads cancellations where the status service writes them first, ahead of their record.
        UploadFinished event = split(0, true).orElseThrow();
        UploadProgress cancelled = progress;

        assertThat(cancel()).isEmpty();

        assertThat(event.getEventId()).isEqualTo("u1:cancelled");
        assertThat(status()).isEqualTo(UploadStatus.CANCELLED);
        assertThat(progress).as("the first cancellation stands").isEqualTo(cancelled);
        assertThat(split(0, true)).isEmpty();
        assertThat(progress).isEqualTo(cancelled);
    }

    @Test
    void aCancelledSplitOfADoneUploadChangesNothing() {
        accepted(1);
        outcome(0, Stage.CATALOG, Result.SUCCEEDED);
        outcome(0, Stage.IMAGES, Result.SUCCEEDED);
        UploadProgress done = progress;

        assertThat(split(1, true)).isEmpty();

        assertThat(progress).isEqualTo(done);
    }
}
