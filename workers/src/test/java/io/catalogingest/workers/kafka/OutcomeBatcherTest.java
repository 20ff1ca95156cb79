package io.catalogingest.workers.kafka;

import static io.catalogingest.workers.kafka.MockKafka.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.InMemorySchemaRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher over a {@link MockProducer} that acknowledges nothing by itself: the test
 * acknowledges each send ({@code completeNext}) or fails it ({@code errorNext}). The linger is an
 * hour unless a test says otherwise, so that batches leave only when full or flushed.
 */
class OutcomeBatcherTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final String UPLOAD_1 = "upload-1";
    private static final String UPLOAD_2 = "upload-2";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroDeserializer<ItemOutcomes> outcomes = new AvroDeserializer<>(registry, ItemOutcomes.class);
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final List<OutcomeBatcher> batchers = new ArrayList<>();

    private OutcomeBatcher batcher(int maxItems, Duration linger) {
        OutcomeBatcher batcher = new OutcomeBatcher(producer, new AvroSerializer<>(registry), Stage.IMAGES, maxItems, linger);
        batchers.add(batcher);
        return batcher;
    }

    @AfterEach
    void close() {
        batchers.forEach(OutcomeBatcher::close);
    }

    @Test
    void theOutcomesOfTwoUploadsGiveARecordEachKeyedByItsUpload() {
        OutcomeBatcher batcher = batcher(100, NEVER);

        batcher.succeeded(UPLOAD_1, 0);
        batcher.failed(UPLOAD_2, OutcomeBatch.failure(5, "sku-5", "IMAGE_NOT_FOUND", "origin answered 404", 3));
        batcher.succeeded(UPLOAD_1, 2);
        batcher.skipped(UPLOAD_2, 6);
        batcher.skipped(UPLOAD_1, 1);
        assertThat(producer.history()).as("sent before flush").isEmpty();
        batcher.flush();

        assertThat(producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(tuple(Topics.OUTCOMES, UPLOAD_1), tuple(Topics.OUTCOMES, UPLOAD_2));
        ItemOutcomes first = read(producer.history().get(0));
        assertThat(first.getUploadId()).isEqualTo(UPLOAD_1);
        assertThat(first.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(indices(first.getSucceeded())).containsExactly(0, 2);
        assertThat(indices(first.getSkipped())).containsExactly(1);
        assertThat(first.getFailures()).isEmpty();
        ItemOutcomes second = read(producer.history().get(1));
        assertThat(second.getUploadId()).isEqualTo(UPLOAD_2);
        assertThat(second.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(indices(second.getSucceeded())).isEmpty();
        assertThat(indices(second.getSkipped())).containsExactly(6);
        assertThat(second.getFailures()).extracting(FailedItem::getItemIndex, FailedItem::getSku, FailedItem::getErrorCode,
                FailedItem::getErrorMessage, FailedItem::getAttempt)
                .containsExactly(tuple(5, "sku-5", "IMAGE_NOT_FOUND", "origin answered 404", 3));
    }

    @Test
    void aBatchThatReachesMaxItemsIsSentAtOnceWithoutAFlush() {
        OutcomeBatcher batcher = batcher(3, NEVER);

        batcher.succeeded(UPLOAD_2, 9);
        batcher.succeeded(UPLOAD_1, 0);
        batcher.skipped(UPLOAD_1, 1);
        assertThat(producer.history()).isEmpty();
        CompletableFuture<Void> third = batcher.failed(UPLOAD_1, OutcomeBatch.failure(2, "sku-2", "IMAGE_TOO_LARGE", null, 1));

        assertThat(producer.history()).as("the full batch only, not the other upload's").hasSize(1);
        ItemOutcomes full = read(producer.history().get(0));
        assertThat(full.getUploadId()).isEqualTo(UPLOAD_1);
        assertThat(indices(full.getSucceeded())).containsExactly(0);
        assertThat(indices(full.getSkipped())).containsExactly(1);
        assertThat(full.getFailures()).extracting(FailedItem::getItemIndex).containsExactly(2);

        // The upload's next outcome starts a new batch.
        CompletableFuture<Void> fourth = batcher.succeeded(UPLOAD_1, 3);
        assertThat(producer.history()).hasSize(1);
        assertThat(fourth).isNotSameAs(third);
        producer.completeNext();
        assertThat(third).isCompletedWithValue(null);
        assertThat(fourth).isNotDone();

        batcher.flush();
        assertThat(producer.history()).extracting(r -> read(r).getUploadId()).containsExactly(UPLOAD_1, UPLOAD_2, UPLOAD_1);
        assertThat(indices(read(producer.history().get(2)).getSucceeded())).containsExactly(3);
    }

    @Test
    void anOutcomesFutureCompletesOnlyOnceItsRecordIsAcknowledged() {
        OutcomeBatcher batcher = batcher(100, NEVER);

        CompletableFuture<Void> item0 = batcher.succeeded(UPLOAD_1, 0);
        CompletableFuture<Void> item1 = batcher.failed(UPLOAD_1, OutcomeBatch.failure(1, "sku-1", "IMAGE_NOT_FOUND", null, 1));
        CompletableFuture<Void> other = batcher.succeeded(UPLOAD_2, 0);
        assertThat(item0).as("not sent yet").isNotDone();
        batcher.flush();
        assertThat(producer.history()).hasSize(2);
        assertThat(List.of(item0, item1, other)).as("sent, not acknowledged").noneMatch(CompletableFuture::isDone);

        assertThat(producer.completeNext()).isTrue();

        assertThat(item0).isCompletedWithValue(null);
        assertThat(item1).as("carried by the same record").isCompletedWithValue(null);
        assertThat(other).as("another record, not acknowledged").isNotDone();
        assertThat(producer.completeNext()).isTrue();
        assertThat(other).isCompletedWithValue(null);
    }

    @Test
    void anOutcomesFutureFailsWhenItsRecordCannotBeSent() {
        OutcomeBatcher batcher = batcher(100, NEVER);
        CompletableFuture<Void> item0 = batcher.succeeded(UPLOAD_1, 0);
        CompletableFuture<Void> other = batcher.succeeded(UPLOAD_2, 0);
        batcher.flush();
        TimeoutException unreachable = new TimeoutException("broker unreachable");

        assertThat(producer.errorNext(unreachable)).isTrue();

        assertThat(item0).isCompletedExceptionally();
        assertThat(causeOf(item0)).isSameAs(unreachable);
        assertThat(other).as("its own record is still waiting").isNotDone();
        producer.completeNext();
        assertThat(other).isCompletedWithValue(null);
    }

    @Test
    void anOutcomesFutureFailsWhenTheProducerRefusesTheSend() {
        OutcomeBatcher batcher = batcher(100, NEVER);
        CompletableFuture<Void> item0 = batcher.succeeded(UPLOAD_1, 0);
        KafkaException refused = new KafkaException("producer closed");
        producer.sendException = refused;

        batcher.flush();

        assertThat(item0).isCompletedExceptionally();
        assertThat(causeOf(item0)).isSameAs(refused);
    }

    @Test
    void aBatchCarriedByMoreThanOneRecordCompletesWhenAllOfThemAreAcknowledged() {
        OutcomeBatcher batcher = batcher(10_000, NEVER);
        CompletableFuture<Void> outcome = batcher.succeeded(UPLOAD_1, 0);
        IntStream.rangeClosed(1, OutcomeBatch.MAX_FAILURES_PER_RECORD + 1)
                .forEach(i -> batcher.failed(UPLOAD_1, OutcomeBatch.failure(i, "sku-" + i, "IMAGE_NOT_FOUND", null, 1)));
        batcher.flush();
        assertThat(producer.history()).hasSize(2);

        producer.completeNext();
        assertThat(outcome).as("one of its two records acknowledged").isNotDone();
        producer.completeNext();
        assertThat(outcome).isCompletedWithValue(null);
    }

    @Test
    void aBatchCarriedByMoreThanOneRecordFailsIfOneOfThemFails() {
        OutcomeBatcher batcher = batcher(10_000, NEVER);
        CompletableFuture<Void> outcome = batcher.succeeded(UPLOAD_1, 0);
        IntStream.rangeClosed(1, OutcomeBatch.MAX_FAILURES_PER_RECORD + 1)
                .forEach(i -> batcher.failed(UPLOAD_1, OutcomeBatch.failure(i, "sku-" + i, "IMAGE_NOT_FOUND", null, 1)));
        batcher.flush();

        producer.completeNext();
        producer.errorNext(new TimeoutException("broker unreachable"));

        assertThat(outcome).isCompletedExceptionally();
    }

    @Test
    void flushSendsEverythingPendingAndOnlyOnce() {
        OutcomeBatcher batcher = batcher(100, NEVER);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int upload = 0; upload < 5; upload++) {
            futures.add(batcher.succeeded("upload-" + upload, upload));
        }

        batcher.flush();
        batcher.flush();

        assertThat(producer.history()).extracting(ProducerRecord::key)
                .containsExactlyInAnyOrder("upload-0", "upload-1", "upload-2", "upload-3", "upload-4");
        while (producer.completeNext()) {
            // every record sent
        }
        assertThat(OutcomeBatcher.all(futures)).isCompletedWithValue(null);
    }

    @Test
    void closeSendsWhatIsLeft() {
        OutcomeBatcher batcher = batcher(100, NEVER);
        CompletableFuture<Void> outcome = batcher.skipped(UPLOAD_1, 4);

        batcher.close();

        assertThat(producer.history()).hasSize(1);
        assertThat(indices(read(producer.history().get(0)).getSkipped())).containsExactly(4);
        producer.completeNext();
        assertThat(outcome).isCompletedWithValue(null);
    }

    @Test
    void aBatchIsSentByItselfOnceItsLingerHasPassed() {
        OutcomeBatcher batcher = batcher(100, Duration.ofMillis(20));

        CompletableFuture<Void> outcome = batcher.succeeded(UPLOAD_1, 0);

        eventually().until(() -> producer.history().size() == 1);
        producer.completeNext();
        assertThat(outcome).isCompletedWithValue(null);
    }

    @Test
    void outcomesAddedFromManyThreadsAreEachSentOnce() throws Exception {
        MockProducer<String, byte[]> acknowledging = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        OutcomeBatcher batcher = new OutcomeBatcher(acknowledging, new AvroSerializer<>(registry), Stage.IMAGES, 100, NEVER);
        batchers.add(batcher);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<List<CompletableFuture<?>>>> added = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                int first = t * 2_500;
                added.add(threads.submit(() -> IntStream.range(first, first + 2_500)
                        .<CompletableFuture<?>>mapToObj(i -> batcher.succeeded(UPLOAD_1, i)).toList()));
            }
            List<CompletableFuture<?>> futures = new ArrayList<>();
            for (Future<List<CompletableFuture<?>>> f : added) {
                futures.addAll(f.get());
            }
            batcher.flush();

            assertThat(OutcomeBatcher.all(futures)).isCompletedWithValue(null);
            Set<Integer> sent = new TreeSet<>();
            int total = 0;
            for (ProducerRecord<String, byte[]> r : acknowledging.history()) {
                Set<Integer> indices = indices(read(r).getSucceeded());
                assertThat(indices.size()).as("at most maxItems a record").isLessThanOrEqualTo(100);
                total += indices.size();
                sent.addAll(indices);
            }
            assertThat(sent).containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
            assertThat(total).as("no outcome sent twice").isEqualTo(10_000);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void allFailsWithTheFirstFailureOfItsFutures() {
        CompletableFuture<Void> ok = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> failed = CompletableFuture.failedFuture(new TimeoutException("broker unreachable"));

        assertThat(OutcomeBatcher.all(List.of(ok, ok))).isCompletedWithValue(null);
        assertThat(OutcomeBatcher.all(List.of())).isCompletedWithValue(null);
        assertThat(OutcomeBatcher.all(List.of(ok, failed))).isCompletedExceptionally();
        assertThat(OutcomeBatcher.all(List.of(new CompletableFuture<Void>(), ok))).isNotDone();
    }

    private ItemOutcomes read(ProducerRecord<String, byte[]> record) {
        assertThat(record.topic()).isEqualTo(Topics.OUTCOMES);
        ItemOutcomes read = outcomes.deserialize(record.topic(), record.value());
        assertThat(read.getUploadId()).as("keyed by its upload").isEqualTo(record.key());
        return read;
    }

    private static Set<Integer> indices(ByteBuffer set) {
        return MockKafka.indices(set);
    }

    private static Throwable causeOf(CompletableFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
