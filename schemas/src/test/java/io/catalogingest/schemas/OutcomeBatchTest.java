package io.catalogingest.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class OutcomeBatchTest {
    private static final String UPLOAD_ID = "upload-1";

    @Test
    void aSetOfIndicesSurvivesTheRoundTripThroughItsBytes() {
        // Sparse, a dense run (stored as a run container after runOptimize) and indices past 2^16.
        RoaringBitmap set = RoaringBitmap.bitmapOf(0, 7, 65_535, 65_536, 1_000_000);
        set.add(100L, 5_000L);
        RoaringBitmap expected = set.clone();

        ByteBuffer bytes = OutcomeBatch.toBytes(set);

        assertThat(OutcomeBatch.fromBytes(bytes)).isEqualTo(expected);
        assertThat(OutcomeBatch.fromBytes(bytes)).as("reading leaves the buffer as it was").isEqualTo(expected);
        assertThat(bytes.position()).isZero();
    }

    @Test
    void anEmptySetIsEmptyBytesAndEmptyOrMissingBytesAreAnEmptySet() {
        ByteBuffer bytes = OutcomeBatch.toBytes(new RoaringBitmap());

        assertThat(bytes.remaining()).isZero();
        assertThat(OutcomeBatch.fromBytes(bytes).isEmpty()).isTrue();
        assertThat(OutcomeBatch.fromBytes(ByteBuffer.allocate(0)).isEmpty()).isTrue();
        assertThat(OutcomeBatch.fromBytes(null).isEmpty()).isTrue();
    }

    @Test
    void theSetsOfARecordAreReadBackAsTheyWereGathered() {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.IMAGES).succeeded(3).succeeded(1).succeeded(70_000).skipped(2)
                .failed(OutcomeBatch.failure(4, "sku-4", "IMAGE_NOT_FOUND", "origin answered 404", 2));

        List<ItemOutcomes> records = batch.records();

        assertThat(records).hasSize(1);
        ItemOutcomes record = records.get(0);
        assertThat(record.getUploadId()).isEqualTo(UPLOAD_ID);
        assertThat(record.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(indices(record.getSucceeded())).containsExactly(1, 3, 70_000);
        assertThat(indices(record.getSkipped())).containsExactly(2);
        assertThat(record.getFailures()).extracting(FailedItem::getItemIndex, FailedItem::getSku, FailedItem::getErrorCode,
                FailedItem::getErrorMessage, FailedItem::getAttempt)
                .containsExactly(tuple(4, "sku-4", "IMAGE_NOT_FOUND", "origin answered 404", 2));
    }

    @Test
    void failuresAreSplitAtAThousandARecordWithTheSetsOnlyInTheFirst() {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.CATALOG);
        IntStream.range(0, 10).forEach(batch::succeeded);
        IntStream.range(10, 15).forEach(batch::skipped);
        IntStream.range(100, 2_600).forEach(i -> batch.failed(OutcomeBatch.failure(i, "sku-" + i, "PRICE_REJECTED", null, 1)));
        assertThat(batch.size()).isEqualTo(10 + 5 + 2_500);

        List<ItemOutcomes> records = batch.records();

        assertThat(records).hasSize(3);
        assertThat(records).extracting(r -> r.getFailures().size()).containsExactly(1_000, 1_000, 500);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.getUploadId()).isEqualTo(UPLOAD_ID);
            assertThat(r.getStage()).isEqualTo(Stage.CATALOG);
        });
        assertThat(records).flatExtracting(ItemOutcomes::getFailures).extracting(FailedItem::getItemIndex)
                .containsExactlyElementsOf(IntStream.range(100, 2_600).boxed().toList());
        assertThat(indices(records.get(0).getSucceeded())).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(indices(records.get(0).getSkipped())).containsExactlyElementsOf(IntStream.range(10, 15).boxed().toList());
        for (ItemOutcomes rest : records.subList(1, records.size())) {
            assertThat(indices(rest.getSucceeded())).as("succeeded, reported once").isEmpty();
            assertThat(indices(rest.getSkipped())).as("skipped, reported once").isEmpty();
        }
    }

    @Test
    void exactlyAThousandFailuresFitOneRecord() {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.VALIDATION);
        IntStream.range(0, OutcomeBatch.MAX_FAILURES_PER_RECORD)
                .forEach(i -> batch.failed(OutcomeBatch.failure(i, null, "TITLE_MISSING", "title is required", 1)));

        List<ItemOutcomes> records = batch.records();

        assertThat(records).hasSize(1);
        assertThat(records.get(0).getFailures()).hasSize(OutcomeBatch.MAX_FAILURES_PER_RECORD)
                .allSatisfy(f -> assertThat(f.getSku()).as("a missing SKU is sent empty").isEmpty());
    }

    @Test
    void anEmptyBatchGivesNoRecords() {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.VALIDATION);

        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.size()).isZero();
        assertThat(batch.records()).isEmpty();
    }

    @Test
    void anIndexReportedTwiceIsOneItem() {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.IMAGES).succeeded(5).succeeded(5);

        assertThat(batch.size()).isEqualTo(1);
        assertThat(indices(batch.records().get(0).getSucceeded())).containsExactly(5);
    }

    @Test
    void longFailuresAreClippedAndSplitSoNoRecordOutgrowsTheProducersLimit() throws Exception {
        OutcomeBatch batch = new OutcomeBatch(UPLOAD_ID, Stage.VALIDATION);
        String hugeSku = "S".repeat(100_000);
        String longMessage = "m".repeat(5_000);
        for (int i = 0; i < 1000; i++) {
            batch.failed(OutcomeBatch.failure(i, hugeSku, "SKU_INVALID", longMessage, 1));
        }
        List<ItemOutcomes> records = batch.records();

        assertThat(records).hasSizeGreaterThan(1);
        assertThat(records).flatExtracting(ItemOutcomes::getFailures).hasSize(1000);
        assertThat(records.get(0).getFailures().get(0).getSku()).hasSize(OutcomeBatch.MAX_SKU_CHARS);
        assertThat(records.get(0).getFailures().get(0).getErrorMessage()).hasSize(OutcomeBatch.MAX_MESSAGE_CHARS);
        for (ItemOutcomes record : records) {
            assertThat(ItemOutcomes.getEncoder().encode(record).remaining()).isLessThan(1024 * 1024);
        }
    }

    @Test
    void clippingNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        assertThat(OutcomeBatch.clip("a" + emoji, 2)).isEqualTo("a");
        assertThat(OutcomeBatch.clip("ab" + emoji, 4)).isEqualTo("ab" + emoji);
        assertThat(OutcomeBatch.clip("abc", 5)).isEqualTo("abc");
    }

    private static List<Integer> indices(ByteBuffer bytes) {
        return OutcomeBatch.fromBytes(bytes).stream().boxed().toList();
    }
}
