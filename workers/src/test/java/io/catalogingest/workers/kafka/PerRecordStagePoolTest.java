package io.catalogingest.workers.kafka;

import static io.catalogingest.workers.kafka.MockKafka.PRODUCTS_0;
import static io.catalogingest.workers.kafka.MockKafka.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PerRecordStagePoolTest {
    /** Acknowledging every send at once, unless a test wants to do it itself. */
    private MockKafka kafka = new MockKafka(true);
    private final ManualExecutor executor = new ManualExecutor();
    private final MetricRegistry metrics = new MetricRegistry();
    private PerRecordStagePool pool;

    private void start(RecordingStage stage) {
        pool = new PerRecordStagePool(kafka, "images", "test", stage, 1, 100, 10, executor,
                MockKafka.RETRIES, metrics);
        pool.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.stop();
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecord() throws InterruptedException {
        kafka.deliverOnFirstPoll(kafka.products(4));
        start(new RecordingStage(Stage.IMAGES, 0));
        List<Runnable> byOffset = executor.awaitQueued(4);

        // Records 2 and 3 finish before 0, so the commit that follows 0 has seen them all.
        byOffset.get(2).run();
        byOffset.get(3).run();
        byOffset.get(0).run();
        eventually().until(() -> kafka.committed(PRODUCTS_0) > 0);
        assertThat(kafka.committed(PRODUCTS_0)).as("record 1 is still in flight").isEqualTo(1);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).as("reported so far").containsExactly(0, 2, 3);

        byOffset.get(1).run();
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 4);
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.OUTCOMES);
        assertThat(kafka.outcomesOf(MockKafka.UPLOAD_ID)).allMatch(o -> o.getStage() == Stage.IMAGES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0, 1, 2, 3);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
    }

    /**
     * A record the stage throws on for a reason of its own (the JDK's GIF reader on a frameless GIF
     * threw IndexOutOfBoundsException) is not redone in place for ever: it spends an attempt on the
     * retry topic, and the records behind it are committed.
     */
    @Test
    void aRecordTheStageThrowsOnSpendsAnAttemptInsteadOfHoldingItsPartition() throws InterruptedException {
        RecordingStage stage = new RecordingStage(Stage.IMAGES, 0).poison(0);
        kafka.deliverOnFirstPoll(kafka.products(2));
        start(stage);

        executor.runNext();
        executor.runNext();
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 2);

        assertThat(stage.calls).as("each once, nothing redone").hasSize(2);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(1);
        assertThat(kafka.sentTo(Topics.retry(Stage.IMAGES, 1))).hasSize(1)
                .allSatisfy(r -> assertThat(MockKafka.headers(r)).containsEntry(RecordHeaders.ERROR_CODE, "PROCESSING_FAILED"));
        assertThat(metrics.meter("stage.images.dependency-faults").getCount()).isZero();
    }

    @Test
    void aRecordFailedAsAWholeByADependencyIsProcessedAgainNotDeadLettered() throws InterruptedException {
        RecordingStage stage = new RecordingStage(Stage.IMAGES, 1);
        kafka.deliverOnFirstPoll(kafka.products(1));
        start(stage);

        executor.runNext();
        executor.runNext(); // dispatched again once the backoff has passed
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 1);

        ProductSubmitted item0 = MockKafka.product(0);
        assertThat(stage.calls).containsExactly(List.of(item0), List.of(item0));
        // Not the item's fault: nothing retried or dead-lettered, and the item is reported succeeded once.
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsExactly(Topics.OUTCOMES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
    }

    /**
     * Acceptance: a registry that cannot answer (unreachable, 5xx, 429) fails the record as a whole,
     * like the object store would: it is not dead-lettered as unreadable but processed again, once
     * the registry answers.
     */
    @Test
    void aRecordTheRegistryCannotReadForNowIsProcessedAgainNotDeadLettered() throws InterruptedException {
        kafka.poolRegistry.outage(1);
        RecordingStage stage = new RecordingStage(Stage.IMAGES, 0);
        kafka.deliverOnFirstPoll(kafka.products(1));
        start(stage);

        executor.runNext(); // the registry cannot answer
        assertThat(kafka.poolRegistry.refused()).isEqualTo(1);
        assertThat(stage.calls).as("nothing to process yet").isEmpty();
        executor.runNext(); // dispatched again once the backoff has passed; the registry answers
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 1);

        assertThat(stage.calls).containsExactly(List.of(MockKafka.product(0)));
        assertThat(kafka.sentTo(Topics.deadLetter(Stage.IMAGES))).isEmpty();
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsExactly(Topics.OUTCOMES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0);
        assertThat(metrics.meter("stage.images.dependency-faults").getCount()).isEqualTo(1);
        assertThat(metrics.meter("stage.images.dead-lettered").getCount()).isZero();
    }

    @Test
    void aRecordIsFinishedOnlyOnceItsOutcomeIsAcknowledgedAndItsThreadDoesNotWaitForThat() throws InterruptedException {
        kafka = new MockKafka(false);
        kafka.deliverOnFirstPoll(kafka.products(2));
        start(new RecordingStage(Stage.IMAGES, 0));
        List<Runnable> byOffset = executor.awaitQueued(2);

        // On the test's thread: were it to wait for the acknowledgement, it would never return.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> byOffset.forEach(Runnable::run));
        eventually().until(() -> kafka.succeeded(MockKafka.UPLOAD_ID).equals(Set.of(0, 1))); // the linger has passed
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> kafka.committed(PRODUCTS_0) <= 0); // nothing past record 0, for longer than the commit interval

        while (kafka.producer.completeNext()) {
            // every outcome record sent so far
        }
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 2);
    }

    @Test
    void aRecordWhoseOutcomeCannotBeSentIsProcessedAgainNotDeadLettered() throws InterruptedException {
        kafka = new MockKafka(false);
        RecordingStage stage = new RecordingStage(Stage.IMAGES, 0);
        kafka.deliverOnFirstPoll(kafka.products(1));
        start(stage);

        executor.runNext();
        eventually().until(() -> kafka.sentTo(Topics.OUTCOMES).size() == 1);
        assertThat(kafka.producer.errorNext(new TimeoutException("broker unreachable"))).isTrue();
        executor.runNext(); // dispatched again once the backoff has passed
        eventually().until(() -> kafka.sentTo(Topics.OUTCOMES).size() == 2);
        assertThat(kafka.committed(PRODUCTS_0)).as("committed past the record before acknowledged").isLessThanOrEqualTo(0);
        assertThat(kafka.producer.completeNext()).isTrue();
        eventually().until(() -> kafka.committed(PRODUCTS_0) == 1);

        ProductSubmitted item0 = MockKafka.product(0);
        assertThat(stage.calls).containsExactly(List.of(item0), List.of(item0));
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic).containsOnly(Topics.OUTCOMES);
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(0);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).isEmpty();
    }

    /** Runs the pool's records on the test's thread, when and in the order the test says. */
    private static final class ManualExecutor extends AbstractExecutorService {
        private final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        /** The next {@code count} records handed over, in the order the pool dispatched them. */
        List<Runnable> awaitQueued(int count) throws InterruptedException {
            List<Runnable> records = new ArrayList<>();
            while (records.size() < count) {
                records.add(next());
            }
            return records;
        }

        void runNext() throws InterruptedException {
            next().run();
        }

        private Runnable next() throws InterruptedException {
            Runnable next = queued.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("a record handed over by the pool").isNotNull();
            return next;
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
