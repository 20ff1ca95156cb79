package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.schemas.UploadSplit;
import org.junit.jupiter.api.Test;

/** The fold as the topology applies it, without Kafka: a map stands in for the item store. */
class ProgressFoldTest {
    /** The item count of an upload accepted before its body was read: the splitter counts it. */
    private static final Integer STAGED = null;

    private final Map<Integer, ItemState> items = new HashMap<>();
    private UploadProgress progress = ProgressFold.empty("u1");
    private long clock = 1_000;

    private void accepted(Integer count) {
        progress = ProgressFold.accepted(progress, new UploadAccepted("u1", "m1", count, 0, Instant.ofEpochMilli(clock++), null));
    }

    /** The splitter's record; returns the event the fold emits for it, if any. */
    private Optional<UploadFinished> split(int count, boolean cancelled) {
        UploadProgress before = progress;
        progress = ProgressFold.split(progress, new UploadSplit("u1", "m1", count, 0, cancelled, Instant.ofEpochMilli(clock++)));
        return ProgressFold.finished(before, progress);
    }

    private void outcome(int index, Stage stage, Outcome outcome) {
        ItemProcessed p = ItemProcessed.newBuilder().setUploadId("u1").setItemIndex(index).setSku("s" + index)
                .setStage(stage).setOutcome(outcome).setProcessedAt(Instant.ofEpochMilli(clock++)).build();
        ItemState before = items.get(index);
        ItemState after = ProgressFold.merge(before, p);
        items.put(index, after);
        progress = ProgressFold.itemChanged(progress, before, after, p.getProcessedAt());
    }

    @Test
    void statusMovesFromQueuedThroughProgressToDone() {
        accepted(2);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_QUEUE);
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_PROGRESS);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        outcome(1, Stage.CATALOG, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_PROGRESS);
        outcome(1, Stage.IMAGES, Outcome.FAILED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getFailed()).isEqualTo(1);
        assertThat(progress.getImagesFailed()).isEqualTo(1);
        assertThat(progress.getCompletedAt()).isNotNull();
    }

    @Test
    void duplicatesNeverDoubleCount() {
        accepted(1);
        for (int i = 0; i < 3; i++) {
            outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
            outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        }
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getCatalogSucceeded()).isEqualTo(1);
        assertThat(progress.getImagesSucceeded()).isEqualTo(1);
    }

    @Test
    void aReplayedFailureThatSucceedsReplacesTheFailure() {
        accepted(1);
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.FAILED);
        assertThat(progress.getFailed()).isEqualTo(1);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        assertThat(progress.getFailed()).isZero();
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getImagesFailed()).isZero();
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void itemsRefusedAtIngestAreFinishedAsFailed() {
        accepted(2);
        outcome(1, Stage.VALIDATION, Outcome.FAILED);
        assertThat(progress.getRefused()).isEqualTo(1);
        assertThat(progress.getFailed()).isEqualTo(1);
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getSucceeded()).isEqualTo(1);
        assertThat(progress.getCatalogFailed()).isZero();
    }

    @Test
    void outcomesBeforeTheUploadRecordAreCounted() {
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_PROGRESS);
        accepted(1);
        assertThat(progress.getMerchantId()).isEqualTo("m1");
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void anOlderOutcomeArrivingLateDoesNotReplaceANewerOne() {
        accepted(1);
        long later = clock + 100;
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        ItemProcessed stale = ItemProcessed.newBuilder().setUploadId("u1").setItemIndex(0).setSku("s0").setStage(Stage.IMAGES)
                .setOutcome(Outcome.FAILED).setProcessedAt(Instant.ofEpochMilli(later - 1_000)).build();
        assertThat(ProgressFold.merge(items.get(0), stale)).isEqualTo(items.get(0));
        clock = later;
        outcome(0, Stage.IMAGES, Outcome.FAILED);
        assertThat(items.get(0).getImages().getOutcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void finishingEmitsOneEventAndCancellingAnother() {
        accepted(1);
        UploadProgress before = progress;
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        assertThat(ProgressFold.finished(before, progress)).isEmpty();
        before = progress;
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        var event = ProgressFold.finished(before, progress).orElseThrow();
        assertThat(event.getEventId()).isEqualTo("u1:done");
        assertThat(event.getSucceeded()).isEqualTo(1);
        assertThat(ProgressFold.finished(progress, progress)).as("once").isEmpty();

        UploadProgress queued = ProgressFold.accepted(ProgressFold.empty("u2"), new UploadAccepted("u2", "m1", 3, 0, Instant.EPOCH, null));
        UploadProgress cancelled = ProgressFold.cancelled(queued, new UploadCancelled("u2", "m1", Instant.EPOCH));
        assertThat(UploadStatus.of(cancelled)).isEqualTo(UploadStatus.CANCELLED);
        assertThat(ProgressFold.finished(queued, cancelled).orElseThrow().getEventId()).isEqualTo("u2:cancelled");
        assertThat(ProgressFold.cancelled(cancelled, new UploadCancelled("u2", "m1", Instant.now())))
                .as("the first cancellation stands").isEqualTo(cancelled);
    }

    @Test
    void aStagedUploadIsQueuedUncountedAndCannotCompleteUntilItsSplitCountsIt() {
        accepted(STAGED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(progress.getTotalItems()).isNull();

        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).as("every item reported so far is finished").isEqualTo(UploadStatus.IN_PROGRESS);

        assertThat(split(2, false)).isEmpty();
        assertThat(progress.getTotalItems()).isEqualTo(2);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.IN_PROGRESS);

        outcome(1, Stage.VALIDATION, Outcome.FAILED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void aSplitArrivingAfterTheLastItemCompletesTheUploadAtItsSplitTime() {
        accepted(STAGED);
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.FAILED);

        UploadFinished event = split(1, false).orElseThrow();

        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
        assertThat(progress.getCompletedAt()).isEqualTo(event.getFinishedAt()).isEqualTo(Instant.ofEpochMilli(clock - 1));
        assertThat(List.of(event.getTotalItems(), event.getSucceeded(), event.getFailed())).containsExactly(1, 0, 1);
    }

    @Test
    void aSplitBeforeItsStagedUploadRecordKeepsItsCount() {
        split(1, false);
        accepted(STAGED);

        assertThat(progress.getTotalItems()).isEqualTo(1);
        assertThat(progress.getAcceptedAt()).isNotNull();
        outcome(0, Stage.CATALOG, Outcome.SUCCEEDED);
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED);
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
    }

    @Test
    void anUploadSplitIntoNoItemsIsDone() {
        accepted(STAGED);

        UploadFinished event = split(0, false).orElseThrow();

        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.DONE);
        assertThat(event.getEventId()).isEqualTo("u1:done");
        assertThat(event.getTotalItems()).isZero();
    }

    @Test
    void aSplitStoppedByTheCancellationCancelsTheUploadBeforeTheCancellationRecordArrives() {
        accepted(STAGED);

        // The splitter reads cancellations where the status service writes them first, ahead of their record.
        UploadFinished event = split(0, true).orElseThrow();
        UploadProgress cancelled = progress;
        progress = ProgressFold.cancelled(progress, new UploadCancelled("u1", "m1", Instant.ofEpochMilli(clock++)));

        assertThat(event.getEventId()).isEqualTo("u1:cancelled");
        assertThat(UploadStatus.of(progress)).isEqualTo(UploadStatus.CANCELLED);
        assertThat(progress).as("the first cancellation stands").isEqualTo(cancelled);
    }
}
