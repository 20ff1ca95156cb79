package io.catalogingest.workers.kafka;

import static io.catalogingest.workers.kafka.MockKafka.PRODUCTS_0;
import static io.catalogingest.workers.kafka.MockKafka.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StagePoolTest {
    private static final List<ProductSubmitted> ITEMS_0_TO_2 = List.of(MockKafka.product(0), MockKafka.product(1), MockKafka.product(2));

    private StagePool pool;

    private void start(MockKafka kafka, RecordingStage stage) {
        pool = new StagePool(kafka, "catalog", "test", stage, 1, 100,
                MockKafka.RETRIES, new MetricRegistry());
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

        eventually().until(() -> kafka.producer.history().size() == 3);
        eventually().until(() -> stage.lastThread.getState() == Thread.State.WAITING); // on the acknowledgements
        assertThat(kafka.committed(PRODUCTS_0)).as("committed before acknowledged").isEqualTo(-1);

        for (int i = 0; i < 3; i++) {
            kafka.producer.completeNext();
        }
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 3);

        assertThat(stage.calls).containsExactly(ITEMS_0_TO_2);
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsOnly(tuple(Topics.RESULTS, MockKafka.UPLOAD_ID));
        assertThat(kafka.producer.history()).extracting(kafka::outcome).extracting(ItemProcessed::getItemIndex, ItemProcessed::getOutcome)
                .containsExactly(tuple(0, Outcome.SUCCEEDED),
                        tuple(1, Outcome.SUCCEEDED), tuple(2, Outcome.SUCCEEDED));
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
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.RESULTS);
        assertThat(kafka.producer.history()).extracting(kafka::outcome).extracting(ItemProcessed::getItemIndex, ItemProcessed::getAttempt)
                .containsExactly(tuple(0, 1), tuple(1, 1),
                        tuple(2, 1));
    }
}
