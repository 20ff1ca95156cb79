package io.catalogingest.workers.kafka;

import static io.catalogingest.schemas.RecordHeaders.ATTEMPT;
import static io.catalogingest.schemas.RecordHeaders.ERROR_CLASS;
import static io.catalogingest.schemas.RecordHeaders.ERROR_CODE;
import static io.catalogingest.schemas.RecordHeaders.ERROR_MESSAGE;
import static io.catalogingest.schemas.RecordHeaders.FIRST_FAILURE;
import static io.catalogingest.schemas.RecordHeaders.NOT_BEFORE;
import static io.catalogingest.schemas.RecordHeaders.ORIGIN_OFFSET;
import static io.catalogingest.schemas.RecordHeaders.ORIGIN_PARTITION;
import static io.catalogingest.schemas.RecordHeaders.ORIGIN_TOPIC;
import static io.catalogingest.schemas.RecordHeaders.REPLAY_COUNT;
import static io.catalogingest.schemas.RecordHeaders.STAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.RetryPolicy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutcomeRouterTest {
    private static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofHours(1), 3);
    private static final String RETRY_TOPIC = Topics.retry(Stage.IMAGES);
    private static final String DEAD_LETTER_TOPIC = Topics.deadLetter(Stage.IMAGES);

    private final MockKafka kafka = new MockKafka(true);
    private final OutcomeRouter router = new OutcomeRouter(kafka.producer, kafka.registry, Stage.IMAGES, RETRIES,
            new MetricRegistry(), "stage.test");
    private final ProductSubmitted product = MockKafka.product(7);
    /** Item 7 as first delivered to the stage. */
    private final ConsumerRecord<String, byte[]> delivered = kafka.record(Topics.PRODUCTS, 4, 42, product);
    private final ItemFailure timeout = new ItemFailure("IMAGE_ORIGIN_TIMEOUT", "origin did not answer", false);
    private final ItemFailure notFound = new ItemFailure("IMAGE_NOT_FOUND", "origin answered 404", true,
            new FileNotFoundException("https://img.example/1.jpg"));

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void aSuccessIsReportedInTheStagesOutcomesOfTheUploadKeyedByUpload() {
        List<CompletableFuture<?>> acks = router.route(delivered, ItemOutcome.applied(product));
        router.flush();

        ProducerRecord<String, byte[]> result = onlyRecordOn(Topics.OUTCOMES);
        assertThat(kafka.producer.history()).containsExactly(result);
        assertThat(result.key()).isEqualTo(MockKafka.UPLOAD_ID);
        ItemOutcomes outcomes = kafka.outcomes(result);
        assertThat(outcomes.getUploadId()).isEqualTo(MockKafka.UPLOAD_ID);
        assertThat(outcomes.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(MockKafka.indices(outcomes.getSucceeded())).containsExactly(7);
        assertThat(MockKafka.indices(outcomes.getSkipped())).isEmpty();
        assertThat(outcomes.getFailures()).isEmpty();
        assertThat(acks).as("the outcome's acknowledgement").hasSize(1).allMatch(ack -> ack.isDone() && !ack.isCompletedExceptionally());
    }

    @Test
    void aTransientFailureBelowMaxAttemptsGoesToTheRetryTopicWithTheNextAttemptAndANotBeforeTime() {
        long before = System.currentTimeMillis();
        router.route(delivered, ItemOutcome.failed(product, timeout));
        long after = System.currentTimeMillis();
        router.flush();

        ProducerRecord<String, byte[]> retry = onlyRecordOn(RETRY_TOPIC);
        assertThat(kafka.producer.history()).as("no outcome yet: the item is not done").containsExactly(retry);
        assertKeptAsDelivered(retry);
        Map<String, String> headers = MockKafka.headers(retry);
        assertThat(headers).containsEntry(ATTEMPT, "2").containsEntry(ERROR_CODE, "IMAGE_ORIGIN_TIMEOUT")
                .containsEntry(ORIGIN_TOPIC, Topics.PRODUCTS).containsEntry(ORIGIN_OFFSET, "42");
        long delay = RETRIES.firstDelay().toMillis();
        assertThat(Long.parseLong(headers.get(NOT_BEFORE))).isBetween(before + delay, after + delay);
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithWhereAndWhyAndReportedFailed() {
        long before = System.currentTimeMillis();
        List<CompletableFuture<?>> acks = router.route(delivered, ItemOutcome.failed(product, notFound));
        long after = System.currentTimeMillis();
        router.flush();

        ProducerRecord<String, byte[]> deadLetter = onlyRecordOn(DEAD_LETTER_TOPIC);
        assertKeptAsDelivered(deadLetter);
        Map<String, String> headers = MockKafka.headers(deadLetter);
        assertThat(headers).containsEntry(ORIGIN_TOPIC, Topics.PRODUCTS).containsEntry(ORIGIN_PARTITION, "4")
                .containsEntry(ORIGIN_OFFSET, "42").containsEntry(STAGE, "IMAGES")
                .containsEntry(ERROR_CLASS, FileNotFoundException.class.getName()).containsEntry(ERROR_CODE, "IMAGE_NOT_FOUND")
                .containsEntry(ERROR_MESSAGE, "origin answered 404").containsEntry(ATTEMPT, "1")
                .containsEntry(REPLAY_COUNT, "0").doesNotContainKey(NOT_BEFORE);
        assertThat(Long.parseLong(headers.get(FIRST_FAILURE))).isBetween(before, after);
        assertReportedFailed("IMAGE_NOT_FOUND", 1);
        assertThat(retriesSent()).isEmpty();
        assertThat(acks).as("the dead letter's and the outcome's").hasSize(2)
                .allMatch(ack -> ack.isDone() && !ack.isCompletedExceptionally());
    }

    @Test
    void aTransientFailureOnTheLastAttemptIsDeadLetteredWithTheOriginOfItsFirstDelivery() {
        ConsumerRecord<String, byte[]> second = failAndReadBackFromRetryTopic(delivered, 11);
        ConsumerRecord<String, byte[]> third = failAndReadBackFromRetryTopic(second, 12);
        String firstFailure = MockKafka.headers(retriesSent().get(0)).get(FIRST_FAILURE);

        router.route(third, ItemOutcome.failed(product, timeout));
        router.flush();

        assertThat(retriesSent()).as("the second attempt waits on the first tier, the third on the second")
                .extracting(ProducerRecord::topic).containsExactly(Topics.retry(Stage.IMAGES, 1), Topics.retry(Stage.IMAGES, 2));
        ProducerRecord<String, byte[]> deadLetter = onlyRecordOn(DEAD_LETTER_TOPIC);
        assertKeptAsDelivered(deadLetter);
        assertThat(MockKafka.headers(deadLetter)).containsEntry(ORIGIN_TOPIC, Topics.PRODUCTS).containsEntry(ORIGIN_PARTITION, "4")
                .containsEntry(ORIGIN_OFFSET, "42").containsEntry(FIRST_FAILURE, firstFailure).containsEntry(ATTEMPT, "3")
                .containsEntry(ERROR_CODE, "IMAGE_ORIGIN_TIMEOUT").doesNotContainKey(NOT_BEFORE);
        assertReportedFailed("IMAGE_ORIGIN_TIMEOUT", 3);
    }

    @Test
    void aReplayedRecordThatFailsAgainKeepsItsOriginFirstFailureAndReplayCount() {
        // What a replay puts on the retry topic: the dead letter's headers, replay count raised, attempt 1.
        ConsumerRecord<String, byte[]> replayed = kafka.record(RETRY_TOPIC, 1, 500, product);
        Map.of(ORIGIN_TOPIC, Topics.PRODUCTS, ORIGIN_PARTITION, "4", ORIGIN_OFFSET, "42", FIRST_FAILURE, "1000",
                REPLAY_COUNT, "1", ATTEMPT, "1").forEach((name, value) -> RecordHeaders.put(replayed.headers(), name, value));

        router.route(replayed, ItemOutcome.failed(product, notFound));

        assertThat(MockKafka.headers(onlyRecordOn(DEAD_LETTER_TOPIC))).containsEntry(ORIGIN_TOPIC, Topics.PRODUCTS)
                .containsEntry(ORIGIN_PARTITION, "4").containsEntry(ORIGIN_OFFSET, "42").containsEntry(FIRST_FAILURE, "1000")
                .containsEntry(REPLAY_COUNT, "1").containsEntry(ATTEMPT, "1");
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAsItCame() {
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>(Topics.PRODUCTS, 4, 43, "m/sku-8",
                "not avro".getBytes(StandardCharsets.UTF_8));
        OutcomeRouter.UnreadableRecordException cause = catchThrowableOfType(OutcomeRouter.UnreadableRecordException.class,
                () -> router.read(garbage));
        assertThat(cause).as("not in the wire format").isNotNull();
        assertThat(cause).hasCauseInstanceOf(SerializationException.class);

        // As the pools route it.
        router.unreadable(garbage, cause);

        ProducerRecord<String, byte[]> deadLetter = onlyRecordOn(DEAD_LETTER_TOPIC);
        assertThat(kafka.producer.history()).containsExactly(deadLetter);
        assertThat(deadLetter.key()).isEqualTo(garbage.key());
        assertThat(deadLetter.value()).isEqualTo(garbage.value());
        assertThat(MockKafka.headers(deadLetter)).containsEntry(ERROR_CODE, "UNREADABLE_RECORD")
                .containsEntry(ERROR_CLASS, SerializationException.class.getName()).containsEntry(ORIGIN_OFFSET, "43");
    }

    /** The registry's verdict that it knows no such schema (404) is one on the record: unreadable. */
    @Test
    void aRecordWithASchemaIdTheRegistryDoesNotKnowIsUnreadable() {
        ConsumerRecord<String, byte[]> unknownSchema = new ConsumerRecord<>(Topics.PRODUCTS, 4, 44, "m/sku-9",
                new byte[] {0, 0, 0, 0x7f, 0x7f, 1});

        assertThatThrownBy(() -> router.read(unknownSchema)).isInstanceOf(OutcomeRouter.UnreadableRecordException.class)
                .satisfies(e -> assertThat(SchemaRegistryClient.UnavailableException.in(e)).isFalse());
    }

    /** A registry that cannot answer now says nothing of the record: its exception goes to the pool as it is, unwrapped. */
    @Test
    void aRegistryOutageIsNoVerdictOnTheRecordAndTheRecordReadsOnceItAnswers() {
        kafka.poolRegistry.outage(1);
        try (OutcomeRouter reading = new OutcomeRouter(kafka.producer, kafka.poolRegistry, Stage.IMAGES, RETRIES,
                new MetricRegistry(), "stage.outage")) {
            Throwable outage = catchThrowable(() -> reading.read(delivered));

            assertThat(outage).isNotInstanceOf(OutcomeRouter.UnreadableRecordException.class);
            assertThat(SchemaRegistryClient.UnavailableException.in(outage)).isTrue();
            assertThat(reading.read(delivered)).isEqualTo(product);
        }
        assertThat(kafka.producer.history()).isEmpty();
    }

    @Test
    void aCancelledItemIsReportedSkippedNeitherRetriedNorDeadLettered() {
        List<CompletableFuture<?>> acks = router.route(delivered, ItemOutcome.cancelled(product));
        router.flush();

        ProducerRecord<String, byte[]> result = onlyRecordOn(Topics.OUTCOMES);
        assertThat(kafka.producer.history()).containsExactly(result);
        assertThat(result.key()).isEqualTo(MockKafka.UPLOAD_ID);
        ItemOutcomes outcomes = kafka.outcomes(result);
        assertThat(outcomes.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(MockKafka.indices(outcomes.getSkipped())).containsExactly(7);
        assertThat(MockKafka.indices(outcomes.getSucceeded())).isEmpty();
        assertThat(outcomes.getFailures()).isEmpty();
        assertThat(retriesSent()).isEmpty();
        assertThat(kafka.sentTo(DEAD_LETTER_TOPIC)).isEmpty();
        assertThat(acks).hasSize(1).allMatch(ack -> ack.isDone() && !ack.isCompletedExceptionally());
    }

    @Test
    void outcomesOfOneUploadRoutedTogetherTravelInOneRecord() {
        ProductSubmitted item8 = MockKafka.product(8);
        ProductSubmitted item9 = MockKafka.product(9);
        router.route(delivered, ItemOutcome.applied(product));
        router.route(kafka.record(Topics.PRODUCTS, 4, 43, item8), ItemOutcome.cancelled(item8));
        router.route(kafka.record(Topics.PRODUCTS, 4, 44, item9), ItemOutcome.failed(item9, notFound));
        router.flush();

        // The linger timer may have sent a part already; together they say the same.
        assertThat(kafka.sentTo(Topics.OUTCOMES)).isNotEmpty().allMatch(r -> r.key().equals(MockKafka.UPLOAD_ID));
        assertThat(kafka.succeeded(MockKafka.UPLOAD_ID)).containsExactly(7);
        assertThat(kafka.skipped(MockKafka.UPLOAD_ID)).containsExactly(8);
        assertThat(kafka.failures(MockKafka.UPLOAD_ID)).extracting(FailedItem::getItemIndex, FailedItem::getSku,
                FailedItem::getErrorCode, FailedItem::getErrorMessage, FailedItem::getAttempt)
                .containsExactly(tuple(9, "sku-9", "IMAGE_NOT_FOUND", "origin answered 404", 1));
        assertThat(kafka.sentTo(DEAD_LETTER_TOPIC)).hasSize(1);
    }

    /** Fails the record transiently and reads back the retry record it became, at {@code offset} of a retry partition. */
    private ConsumerRecord<String, byte[]> failAndReadBackFromRetryTopic(ConsumerRecord<String, byte[]> record, long offset) {
        router.route(record, ItemOutcome.failed(product, timeout));
        List<ProducerRecord<String, byte[]>> retries = retriesSent();
        ProducerRecord<String, byte[]> retry = retries.get(retries.size() - 1);
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(retry.topic(), 2, offset, retry.key(), retry.value());
        retry.headers().forEach(consumed.headers()::add);
        return consumed;
    }

    /** What was sent to any of the stage's retry tiers, in order. */
    private List<ProducerRecord<String, byte[]>> retriesSent() {
        return kafka.producer.history().stream().filter(r -> Topics.retryTiers(Stage.IMAGES).contains(r.topic())).toList();
    }

    private ProducerRecord<String, byte[]> onlyRecordOn(String topic) {
        List<ProducerRecord<String, byte[]>> sent = kafka.sentTo(topic);
        assertThat(sent).as("records on %s", topic).hasSize(1);
        return sent.get(0);
    }

    private void assertKeptAsDelivered(ProducerRecord<String, byte[]> forwarded) {
        assertThat(forwarded.key()).isEqualTo(delivered.key());
        assertThat(forwarded.value()).isEqualTo(delivered.value());
    }

    /** Item 7 reported failed, and only that, in one record of the stage's outcomes. */
    private void assertReportedFailed(String errorCode, int attempt) {
        ItemOutcomes outcomes = kafka.outcomes(onlyRecordOn(Topics.OUTCOMES));
        assertThat(outcomes.getUploadId()).isEqualTo(MockKafka.UPLOAD_ID);
        assertThat(outcomes.getStage()).isEqualTo(Stage.IMAGES);
        assertThat(outcomes.getFailures()).extracting(FailedItem::getItemIndex, FailedItem::getSku, FailedItem::getErrorCode,
                FailedItem::getAttempt).containsExactly(tuple(7, "sku-7", errorCode, attempt));
        assertThat(MockKafka.indices(outcomes.getSucceeded())).isEmpty();
        assertThat(MockKafka.indices(outcomes.getSkipped())).isEmpty();
    }
}
