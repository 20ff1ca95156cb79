package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.status.core.OutcomeChunk.Counts;
import io.catalogingest.status.core.OutcomeChunk.Verdict;
import io.catalogingest.status.store.ItemChunk;
import io.catalogingest.status.store.StoreSerdes;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The sets of one chunk of an upload's items: exact whatever the order and number of deliveries. */
class OutcomeChunkTest {
    private final OutcomeChunk chunk = OutcomeChunk.empty();

    @Test
    void anEmptyChunkCountsNothing() {
        assertThat(chunk.counts()).isEqualTo(Counts.NONE);
        assertThat(chunk.items().isEmpty()).isTrue();
        assertThat(chunk.verdict(Stage.CATALOG, 0)).isNull();
    }

    @Test
    void anItemIsFinishedOnceBothStagesReportedItAndSucceededOnlyIfBothSucceeded() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(0, 1, 2, 3));
        chunk.failed(Stage.CATALOG, 4);
        chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(0, 1));
        chunk.failed(Stage.IMAGES, 2);
        chunk.failed(Stage.IMAGES, 4);
        chunk.failed(Stage.VALIDATION, 5);
        // Item 3: only its catalog outcome so far, so not finished.

        Counts counts = chunk.counts();

        assertThat(counts).isEqualTo(new Counts(4, 1, 2, 2, 1, 2, 3, 0));
        assertThat(counts.succeeded()).as("items 0 and 1").isEqualTo(2);
        assertThat(counts.failed()).as("item 2 (images), item 4 (both), item 5 (refused)").isEqualTo(3);
        assertThat(toList(chunk.items())).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void skippedItemsCountAsFailedInTheirStageAndFinishTheItem() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(0));
        chunk.skipped(Stage.CATALOG, RoaringBitmap.bitmapOf(1));
        chunk.skipped(Stage.IMAGES, RoaringBitmap.bitmapOf(0, 1));

        assertThat(chunk.counts()).isEqualTo(new Counts(1, 1, 0, 2, 0, 0, 2, 3));
        assertThat(chunk.counts().skipped()).as("catalog's skip of 1, images' skips of 0 and 1").isEqualTo(3);
        assertThat(chunk.verdict(Stage.IMAGES, 0)).isEqualTo(Verdict.SKIPPED);
    }

    @Test
    void countsAddAndSubtractFieldByField() {
        Counts a = new Counts(1, 2, 3, 4, 5, 6, 7, 8);
        Counts b = new Counts(10, 20, 30, 40, 50, 60, 70, 80);

        assertThat(a.plus(b)).isEqualTo(new Counts(11, 22, 33, 44, 55, 66, 77, 88));
        assertThat(b.minus(a)).isEqualTo(new Counts(9, 18, 27, 36, 45, 54, 63, 72));
        assertThat(a.plus(b).minus(b)).isEqualTo(a);
    }

    @Test
    void aSuccessAfterAFailureClearsTheFailureAndAnswersTheClearedItems() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(5, 6, 7));
        chunk.failed(Stage.IMAGES, 5);
        chunk.failed(Stage.IMAGES, 6);
        Counts before = chunk.counts();
        assertThat(before.failed()).isEqualTo(2);

        RoaringBitmap cleared = chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(5, 7));

        assertThat(toList(cleared)).as("7 had no failure to clear").containsExactly(5);
        assertThat(chunk.verdict(Stage.IMAGES, 5)).isEqualTo(Verdict.SUCCEEDED);
        assertThat(chunk.verdict(Stage.IMAGES, 6)).isEqualTo(Verdict.FAILED);
        assertThat(chunk.counts().minus(before)).as("5 moves from failed to succeeded; 7 is new")
                .isEqualTo(new Counts(0, 0, 2, -1, 0, 2, -1, 0));
    }

    @Test
    void aFailureAfterASuccessChangesNothing() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(3));
        chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(3));
        List<List<Integer>> sets = sets(chunk.toStored());
        Counts counts = chunk.counts();

        assertThat(chunk.failed(Stage.IMAGES, 3)).as("the failure does not stand").isFalse();

        assertThat(chunk.verdict(Stage.IMAGES, 3)).isEqualTo(Verdict.SUCCEEDED);
        assertThat(chunk.counts()).isEqualTo(counts);
        assertThat(sets(chunk.toStored())).isEqualTo(sets);
    }

    @Test
    void aSkipNeverOverridesAnotherOutcomeButAnyOutcomeOverridesASkip() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(1));
        chunk.failed(Stage.CATALOG, 2);

        chunk.skipped(Stage.CATALOG, RoaringBitmap.bitmapOf(1, 2, 3, 4));

        assertThat(chunk.verdict(Stage.CATALOG, 1)).isEqualTo(Verdict.SUCCEEDED);
        assertThat(chunk.verdict(Stage.CATALOG, 2)).isEqualTo(Verdict.FAILED);
        assertThat(chunk.verdict(Stage.CATALOG, 3)).isEqualTo(Verdict.SKIPPED);
        assertThat(chunk.counts()).isEqualTo(new Counts(1, 3, 0, 0, 0, 0, 0, 2));

        // Success wins over failure over skip, whichever came first.
        assertThat(chunk.failed(Stage.CATALOG, 3)).isTrue();
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(4));
        assertThat(chunk.verdict(Stage.CATALOG, 3)).isEqualTo(Verdict.FAILED);
        assertThat(chunk.verdict(Stage.CATALOG, 4)).isEqualTo(Verdict.SUCCEEDED);
        assertThat(chunk.counts()).as("still four items, none twice").isEqualTo(new Counts(2, 2, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void duplicatesChangeNothing() {
        apply(chunk);
        List<List<Integer>> sets = sets(chunk.toStored());
        Counts counts = chunk.counts();

        RoaringBitmap clearedAgain = apply(chunk);

        assertThat(clearedAgain.isEmpty()).as("nothing left to clear").isTrue();
        assertThat(chunk.counts()).isEqualTo(counts);
        assertThat(sets(chunk.toStored())).isEqualTo(sets);
    }

    @Test
    void theOrderOfASuccessAndAFailureOfTheSameItemDoesNotMatter() {
        OutcomeChunk failureFirst = OutcomeChunk.empty();
        failureFirst.failed(Stage.IMAGES, 9);
        failureFirst.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(9));
        failureFirst.failed(Stage.CATALOG, 9);
        failureFirst.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(9));

        OutcomeChunk successFirst = OutcomeChunk.empty();
        successFirst.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(9));
        successFirst.failed(Stage.CATALOG, 9);
        successFirst.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(9));
        successFirst.failed(Stage.IMAGES, 9);

        assertThat(failureFirst.counts()).isEqualTo(successFirst.counts()).isEqualTo(new Counts(1, 0, 1, 0, 0, 1, 0, 0));
        assertThat(sets(failureFirst.toStored())).isEqualTo(sets(successFirst.toStored()));
        assertThat(successFirst.verdict(Stage.CATALOG, 9)).isEqualTo(Verdict.SUCCEEDED);
    }

    @Test
    void validationReportsRefusalsOnly() {
        assertThat(chunk.failed(Stage.VALIDATION, 4)).isTrue();
        assertThat(chunk.succeeded(Stage.VALIDATION, RoaringBitmap.bitmapOf(4)).isEmpty()).isTrue();
        chunk.skipped(Stage.VALIDATION, RoaringBitmap.bitmapOf(4));

        assertThat(chunk.verdict(Stage.VALIDATION, 4)).isEqualTo(Verdict.FAILED);
        assertThat(chunk.verdict(Stage.CATALOG, 4)).isNull();
        assertThat(chunk.counts()).as("a refused item is finished, failed").isEqualTo(new Counts(0, 0, 0, 0, 1, 0, 1, 0));
    }

    /** Acceptance: a refusal is final; a stage's report of the same item neither counts it twice nor turns it into a success. */
    @Test
    void anItemRefusedAtValidationAndReportedSucceededByBothStagesCountsOnceAsFailed() {
        chunk.failed(Stage.VALIDATION, 3);
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(3));
        chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(3));

        Counts counts = chunk.counts();

        assertThat(counts).isEqualTo(new Counts(1, 0, 1, 0, 1, 0, 1, 0));
        assertThat(counts.succeeded() + counts.failed()).as("one item, finished once").isEqualTo(1);
        assertThat(toList(chunk.items())).containsExactly(3);
    }

    @Test
    void anItemRefusedAtValidationAndFailedByBothStagesIsFinishedOnce() {
        chunk.failed(Stage.CATALOG, 3);
        chunk.skipped(Stage.IMAGES, RoaringBitmap.bitmapOf(3));
        chunk.failed(Stage.VALIDATION, 3);

        assertThat(chunk.counts()).isEqualTo(new Counts(0, 1, 0, 1, 1, 0, 1, 1));
    }

    @Test
    void toStoredAndOfRoundTripEverySet() {
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOfRange(0, 5000));
        chunk.failed(Stage.CATALOG, 60_000);
        chunk.skipped(Stage.CATALOG, RoaringBitmap.bitmapOf(60_001));
        chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(1, 3, 5, 65_535));
        chunk.failed(Stage.IMAGES, 7);
        chunk.skipped(Stage.IMAGES, RoaringBitmap.bitmapOf(8, 9));
        chunk.failed(Stage.VALIDATION, 10);
        ItemChunk stored = chunk.toStored();

        OutcomeChunk read = OutcomeChunk.of(stored);
        // And as the store keeps it: single-object encoded bytes.
        var serde = StoreSerdes.chunks();
        OutcomeChunk fromBytes = OutcomeChunk.of(serde.deserializer().deserialize("t", serde.serializer().serialize("t", stored)));

        assertThat(sets(stored)).containsExactly(toList(RoaringBitmap.bitmapOfRange(0, 5000)), List.of(60_000), List.of(60_001), List.of(1, 3, 5, 65_535), List.of(7), List.of(8, 9), List.of(10));
        for (OutcomeChunk copy : List.of(read, fromBytes)) {
            assertThat(copy.counts()).isEqualTo(chunk.counts());
            assertThat(toList(copy.items())).isEqualTo(toList(chunk.items()));
            assertThat(sets(copy.toStored())).isEqualTo(sets(stored));
            for (int item : List.of(0, 7, 8, 10, 60_000, 60_001, 65_535)) {
                for (Stage stage : Stage.values()) {
                    assertThat(copy.verdict(stage, item)).as("%s of %d", stage, item).isEqualTo(chunk.verdict(stage, item));
                }
            }
        }
        assertThat(OutcomeChunk.of(ItemChunk.newBuilder().build()).counts()).as("a chunk stored with every set empty")
                .isEqualTo(Counts.NONE);
    }

    @Test
    void itemIndicesMapToChunksOf65536() {
        assertThat(OutcomeChunk.chunkOf(0)).isZero();
        assertThat(OutcomeChunk.chunkOf(65_535)).isZero();
        assertThat(OutcomeChunk.chunkOf(65_536)).isEqualTo(1);
        assertThat(OutcomeChunk.chunkOf(999_999)).isEqualTo(15);
        RoaringBitmap items = RoaringBitmap.bitmapOf(1, 65_535, 65_536, 131_072, 200_000);
        assertThat(toList(OutcomeChunk.within(items, 0))).containsExactly(1, 65_535);
        assertThat(toList(OutcomeChunk.within(items, 1))).containsExactly(65_536);
        assertThat(toList(OutcomeChunk.within(items, 2))).containsExactly(131_072);
        assertThat(toList(OutcomeChunk.within(items, 3))).containsExactly(200_000);
        assertThat(OutcomeChunk.within(items, 4).isEmpty()).isTrue();
    }

    /** One delivery of a few outcomes of both stages; answers the failures its successes cleared. */
    private static RoaringBitmap apply(OutcomeChunk chunk) {
        chunk.failed(Stage.IMAGES, 2);
        RoaringBitmap cleared = chunk.succeeded(Stage.IMAGES, RoaringBitmap.bitmapOf(0, 1, 2));
        chunk.succeeded(Stage.CATALOG, RoaringBitmap.bitmapOf(0, 1, 2, 3));
        chunk.failed(Stage.IMAGES, 3);
        chunk.skipped(Stage.CATALOG, RoaringBitmap.bitmapOf(4));
        chunk.failed(Stage.VALIDATION, 5);
        return cleared;
    }

    /** The stored sets by content, in field order (bytes of equal sets may differ in container layout). */
    private static List<List<Integer>> sets(ItemChunk stored) {
        return Stream.of(stored.getCatalogSucceeded(), stored.getCatalogFailed(), stored.getCatalogSkipped(),
                        stored.getImagesSucceeded(), stored.getImagesFailed(), stored.getImagesSkipped(), stored.getRefused())
                .map(OutcomeChunkTest::set).map(OutcomeChunkTest::toList).toList();
    }

    private static RoaringBitmap set(ByteBuffer bytes) {
        return OutcomeBatch.fromBytes(bytes);
    }

    private static List<Integer> toList(RoaringBitmap set) {
        return Arrays.stream(set.toArray()).boxed().toList();
    }
}
