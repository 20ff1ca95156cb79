package io.catalogingest.workers.kafka;

import static io.catalogingest.workers.kafka.MockKafka.PRODUCTS_0;
import static io.catalogingest.workers.kafka.MockKafka.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.workers.core.RetryPolicy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchStagePoolTest {
    private static final List<ProductSubmitted> ITEMS_0_TO_2 = List.of(MockKafka.product(0), MockKafka.product(1), MockKafka.product(2));

    private final MetricRegistry metrics = new MetricRegistry();
    private BatchStagePool pool;

    private void start(MockKafka kafka, RecordingStage stage) {
        start(kafka, stage, MockKafka.RETRIES);
    }

    private void start(MockKafka kafka, RecordingStage stage, RetryPolicy retries) {
        pool = new BatchStagePool(kafka, "catalog", "test", stage, 1, 100, retries, metrics);
        pool.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.stop();
    }

    @Test
    void aBatchIsAppliedRoutedAndCommittedOnlyOnceItsOutcomesAreAcknowledged() {
        MockKafka kafka = new MockKafka(false);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 0);
        kafka.deliverOnFirstPoll(kafka.products(3));
        start(kafka, stage);

        // The batch's outcomes are sent (in one record, or more if the linger timer cut in) and not acknowledged.
        eventually().until(() -> kafka.succeeded(MockKafka.UPLOAD_ID).equals(Set.of(0, 1, 2)));
        eventually().until(() -> stage.lastThread.getState() == Thread.State.WAITING); // on the acknowledgements
        assertThat(kafka.committed(PRODUCTS_0)).as("committed before acknowledged").isEqualTo(-1);

        int sent = kafka.producer.history().size();
        for (int i = 1; i < sent; i++) {
            kafka.producer.completeNext();
        }
        assertThat(kafka.committed(PRODUCTS_0)).as("committed before every outcome is acknowledged").isEqualTo(-1);
        kafka.producer.completeNext();
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 3);

        assertThat(stage.calls).containsExactly(ITEMS_0_TO_2);
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsOnly(tuple(Topics.OUTCOMES, MockKafka.UPLOAD_ID));
        assertThat(kafka.outcomesOf(MockKafka.UPLOAD_ID)).allMatch(o -> o.getStage() == Stage.CATALOG);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 1, 2);
        assertThat(kafka.skipped(MockKafka.UPLOAD_ID)).isEmpty();
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
    }

    @Test
    void aBatchTheStageCannotApplyIsTakenAgainFromTheSameOffsetsWithoutCountingAnAttempt() {
        MockKafka kafka = new MockKafka(true);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 1);
        List<ConsumerRecord<String, byte[]>> records = kafka.products(3);
        kafka.deliverOnFirstPoll(records);
        kafka.deliverAgainAtNextPoll(PRODUCTS_0, records);
        start(kafka, stage);

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 3);

        assertThat(stage.calls).containsExactly(ITEMS_0_TO_2, ITEMS_0_TO_2);
        // No attempt counted: nothing retried or dead-lettered, every item reported succeeded.
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.OUTCOMES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 1, 2);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
        assertThat(kafka.skipped(MockKafka.UPLOAD_ID)).isEmpty();
    }

    /**
     * Acceptance: a registry that cannot answer (unreachable, 5xx, 429) fails the batch as a whole,
     * like the database would: no record is dead-lettered as unreadable, and the batch is taken again
     * from the same offsets and processed once the registry answers.
     */
    @Test
    void aBatchTheRegistryCannotReadForNowIsTakenAgainNotDeadLettered() {
        MockKafka kafka = new MockKafka(true);
        kafka.poolRegistry.outage(1);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 0);
        List<ConsumerRecord<String, byte[]>> records = kafka.products(3);
        kafka.deliverOnFirstPoll(records);
        kafka.deliverAgainAtNextPoll(PRODUCTS_0, records);
        start(kafka, stage);

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 3);

        assertThat(kafka.poolRegistry.refused()).as("the first read met the outage").isEqualTo(1);
        assertThat(stage.calls).as("the whole batch, once, after the outage").containsExactly(ITEMS_0_TO_2);
        assertThat(kafka.sentTo(Topics.deadLetter(Stage.CATALOG))).isEmpty();
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.OUTCOMES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 1, 2);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
        assertThat(metrics.meter("stage.catalog.dependency-faults").getCount()).isEqualTo(1);
        assertThat(metrics.meter("stage.catalog.dead-lettered").getCount()).isZero();
    }

    /**
     * Acceptance: one record the stage always throws on (not a dependency's fault) is isolated by
     * halving the batch: the other records are applied and reported, that one alone spends its
     * attempt, here the only one, and is dead-lettered with its code; the partition moves on.
     */
    @Test
    void aRecordTheStageAlwaysThrowsOnIsIsolatedAndDeadLetteredWhileTheRestOfItsBatchIsWritten() {
        MockKafka kafka = new MockKafka(true);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 0).poison(5);
        kafka.deliverOnFirstPoll(kafka.products(8));
        start(kafka, stage, new RetryPolicy(1, Duration.ofMinutes(1), Duration.ofMinutes(1), 3));

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 8);

        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 1, 2, 3, 4, 6, 7);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).extracting(FailedItem::getItemIndex, FailedItem::getErrorCode,
                FailedItem::getAttempt).containsExactly(tuple(5, "PROCESSING_FAILED", 1));
        List<ProducerRecord<String, byte[]>> deadLetters = kafka.sentTo(Topics.deadLetter(Stage.CATALOG));
        assertThat(deadLetters).hasSize(1);
        assertThat(MockKafka.headers(deadLetters.get(0))).containsEntry(RecordHeaders.ERROR_CODE, "PROCESSING_FAILED")
                .containsEntry(RecordHeaders.ERROR_CLASS, IllegalArgumentException.class.getName());
        // Halved down to the record: [0..7] fails, [0..3] is applied, [4..7] and [4,5] fail, [4], [5] alone, [6,7].
        assertThat(stage.calls).hasSize(7).last().isEqualTo(List.of(MockKafka.product(6), MockKafka.product(7)));
        assertThat(metrics.meter("stage.catalog.dependency-faults").getCount()).isZero();
        assertThat(metrics.meter("stage.catalog.record-faults").getCount()).isEqualTo(1);
    }

    @Test
    void aRecordTheStageThrowsOnWithAttemptsLeftGoesToTheFirstRetryTier() {
        MockKafka kafka = new MockKafka(true);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 0).poison(1);
        kafka.deliverOnFirstPoll(kafka.products(3));
        start(kafka, stage);

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 3);

        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 2);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
        List<ProducerRecord<String, byte[]>> retries = kafka.sentTo(Topics.retry(Stage.CATALOG, 1));
        assertThat(retries).hasSize(1);
        assertThat(MockKafka.headers(retries.get(0))).containsEntry(RecordHeaders.ERROR_CODE, "PROCESSING_FAILED")
                .containsEntry(RecordHeaders.ATTEMPT, "2");
    }

    /**
     * A dependency that keeps failing the batch: taken again in place (no attempt) only
     * {@code retriesInPlace} times, then every record spends an attempt, so the partition moves on.
     */
    @Test
    void aBatchFailingInPlaceBeyondTheBoundSpendsAnAttemptPerRecord() {
        MockKafka kafka = new MockKafka(true);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, Integer.MAX_VALUE);
        List<ConsumerRecord<String, byte[]>> records = kafka.products(2);
        kafka.deliverOnFirstPoll(records);
        for (int i = 0; i < 3; i++) {
            kafka.deliverAgainAtNextPoll(PRODUCTS_0, records);
        }
        start(kafka, stage, new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(1), 2));

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 2);

        assertThat(stage.calls).as("the first try and two in place").hasSize(3);
        assertThat(metrics.meter("stage.catalog.dependency-faults").getCount()).isEqualTo(3);
        List<ProducerRecord<String, byte[]>> retries = kafka.sentTo(Topics.retry(Stage.CATALOG, 1));
        assertThat(retries).hasSize(2).allSatisfy(r -> assertThat(MockKafka.headers(r))
                .containsEntry(RecordHeaders.ERROR_CODE, "DEPENDENCY_UNAVAILABLE").containsEntry(RecordHeaders.ATTEMPT, "2"));
        assertThat(kafka.sentTo(Topics.deadLetter(Stage.CATALOG))).isEmpty();
    }

    /**
     * What fails in place is counted per batch: a record polled only after the batch failed is
     * not charged when that batch gives up, it is processed on its own.
     */
    @Test
    void givingUpInPlaceChargesOnlyTheRecordsOfTheFailingBatch() {
        MockKafka kafka = new MockKafka(true);
        RecordingStage stage = new RecordingStage(Stage.CATALOG, 0).unavailableFor(0);
        TopicPartition products1 = new TopicPartition(Topics.PRODUCTS, 1);
        ConsumerRecord<String, byte[]> failing = kafka.record(Topics.PRODUCTS, 0, 0, MockKafka.product(0));
        ConsumerRecord<String, byte[]> later = kafka.record(Topics.PRODUCTS, 1, 0, MockKafka.product(1));
        kafka.consumer.schedulePollTask(() -> {
            kafka.consumer.rebalance(List.of(PRODUCTS_0, products1));
            kafka.consumer.updateBeginningOffsets(java.util.Map.of(PRODUCTS_0, 0L, products1, 0L));
            kafka.consumer.addRecord(failing);
        });
        kafka.deliverAgainAtNextPoll(PRODUCTS_0, List.of(failing));
        kafka.deliverAgainAtNextPoll(PRODUCTS_0, List.of(failing));
        kafka.consumer.schedulePollTask(() -> kafka.consumer.addRecord(later)); // polled with the third delivery
        kafka.deliverAgainAtNextPoll(products1, List.of(later));
        start(kafka, stage, new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(1), 1));

        eventually().until(() -> kafka.committed(PRODUCTS_0) == 1 && kafka.committed(products1) == 1);

        assertThat(kafka.sentTo(Topics.retry(Stage.CATALOG, 1))).hasSize(1).allSatisfy(r -> assertThat(r.key())
                .isEqualTo(failing.key()));
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).as("the later record, processed on its own").containsExactly(1);
        assertThat(stage.calls).last().isEqualTo(List.of(MockKafka.product(1)));
    }
}
