package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.RetryPolicy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a stage's items go after processing: their outcome into a batch for the outcomes topic
 * ({@link OutcomeBatcher}), and failed items to the stage's retry or dead-letter topic with their
 * original key and value and the headers of {@link RecordHeaders}. Each step answers a future that
 * completes once Kafka has acknowledged it. Thread-safe: one per pool, shared by its consumers.
 */
final class OutcomeRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRouter.class);

    private final Stage stage;
    private final String deadLetterTopic;
    private final RetryPolicy retryPolicy;
    private final Producer<String, byte[]> producer;
    private final AvroDeserializer<ProductSubmitted> products;
    private final OutcomeBatcher outcomes;
    private final Meter succeeded;
    private final Meter failed;
    private final Meter retried;
    private final Meter deadLettered;
    private final Meter cancelled;

    /** Outcomes per record of the outcomes topic, and how long one waits for more. */
    static final int OUTCOMES_PER_RECORD = 5000;
    static final Duration OUTCOME_LINGER = Duration.ofMillis(50);

    OutcomeRouter(Producer<String, byte[]> producer, SchemaRegistry registry, Stage stage, RetryPolicy retryPolicy,
            MetricRegistry metrics, String metricPrefix) {
        this.stage = stage;
        this.deadLetterTopic = Topics.deadLetter(stage);
        this.retryPolicy = retryPolicy;
        this.producer = producer;
        this.products = new AvroDeserializer<>(registry, ProductSubmitted.class);
        this.outcomes = new OutcomeBatcher(producer, new AvroSerializer<>(registry), stage, OUTCOMES_PER_RECORD, OUTCOME_LINGER);
        this.succeeded = metrics.meter(MetricRegistry.name(metricPrefix, "succeeded"));
        this.failed = metrics.meter(MetricRegistry.name(metricPrefix, "failed"));
        this.retried = metrics.meter(MetricRegistry.name(metricPrefix, "retried"));
        this.deadLettered = metrics.meter(MetricRegistry.name(metricPrefix, "dead-lettered"));
        this.cancelled = metrics.meter(MetricRegistry.name(metricPrefix, "cancelled"));
    }

    /** A value that cannot be read: not an outage of the registry, which is a dependency fault. */
    static final class UnreadableRecordException extends RuntimeException {
        UnreadableRecordException(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The record's product; throws {@link UnreadableRecordException} for a value that cannot be read
     * (route it with {@link #unreadable}), and the registry's own exception while it is unavailable.
     */
    ProductSubmitted read(ConsumerRecord<String, byte[]> record) {
        try {
            return products.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (SchemaRegistryClient.UnavailableException.in(e)) {
                throw e;
            }
            throw new UnreadableRecordException(e);
        }
    }

    /** A record that cannot even be reported per item (no upload id): straight to the dead-letter topic. */
    CompletableFuture<RecordMetadata> unreadable(ConsumerRecord<String, byte[]> record, RuntimeException cause) {
        Throwable reason = cause instanceof UnreadableRecordException && cause.getCause() != null ? cause.getCause() : cause;
        return deadLetter(record, new ItemFailure("UNREADABLE_RECORD", String.valueOf(reason.getMessage()), true, reason),
                attemptOf(record));
    }

    List<CompletableFuture<?>> route(ConsumerRecord<String, byte[]> record, ItemOutcome outcome) {
        ProductSubmitted product = outcome.product();
        int attempt = attemptOf(record);
        if (outcome.cancelled()) {
            // Reported, so that an upload whose cancel came too late to stop it still finishes.
            cancelled.mark();
            return List.of(outcomes.skipped(product.getUploadId(), product.getItemIndex()));
        }
        if (outcome.succeeded()) {
            succeeded.mark();
            return List.of(outcomes.succeeded(product.getUploadId(), product.getItemIndex()));
        }
        ItemFailure failure = outcome.failure();
        if (retryPolicy.route(failure, attempt) == RetryPolicy.Route.RETRY) {
            retried.mark();
            return List.of(retry(record, failure, attempt));
        }
        failed.mark();
        LOG.info("upload {} item {} ({}) failed in {} after {} attempt(s): {} {}", product.getUploadId(),
                product.getItemIndex(), product.getSku(), stage, attempt, failure.code(), failure.getMessage());
        return List.of(deadLetter(record, failure, attempt), outcomes.failed(product.getUploadId(),
                OutcomeBatch.failure(product.getItemIndex(), product.getSku(), failure.code(), failure.getMessage(), attempt)));
    }

    /**
     * A record a dependency kept failing as a whole beyond {@link RetryPolicy#retriesInPlace}: it
     * spends an attempt after all, so that its partition moves on; at the last attempt it is
     * dead-lettered, reported if it can be read (else it stays, as the registry cannot read it yet).
     */
    List<CompletableFuture<?>> givenUpInPlace(ConsumerRecord<String, byte[]> record, int times, Throwable cause) {
        ItemFailure failure = ItemFailure.dependencyUnavailable(times, cause);
        int attempt = attemptOf(record);
        if (retryPolicy.route(failure, attempt) == RetryPolicy.Route.RETRY) {
            retried.mark();
            return List.of(retry(record, failure, attempt));
        }
        try {
            return route(record, ItemOutcome.failed(read(record), failure));
        } catch (UnreadableRecordException unreadable) {
            return List.of(unreadable(record, unreadable));
        }
    }

    /** Sends every outcome gathered so far, now. */
    void flush() {
        outcomes.flush();
        producer.flush();
    }

    private CompletableFuture<RecordMetadata> retry(ConsumerRecord<String, byte[]> record, ItemFailure failure, int attempt) {
        ProducerRecord<String, byte[]> out = forward(Topics.retry(stage, RetryPolicy.tierAfter(attempt)), record, failure, attempt + 1);
        RecordHeaders.put(out.headers(), RecordHeaders.NOT_BEFORE,
                System.currentTimeMillis() + retryPolicy.delayAfter(attempt).toMillis());
        return send(out);
    }

    private CompletableFuture<RecordMetadata> deadLetter(ConsumerRecord<String, byte[]> record, ItemFailure failure, int attempt) {
        deadLettered.mark();
        ProducerRecord<String, byte[]> out = forward(deadLetterTopic, record, failure, attempt);
        out.headers().remove(RecordHeaders.NOT_BEFORE);
        return send(out);
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> out) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        producer.send(out, (metadata, e) -> {
            if (e != null) {
                acked.completeExceptionally(e);
            } else {
                acked.complete(metadata);
            }
        });
        return acked;
    }

    private ProducerRecord<String, byte[]> forward(String topic, ConsumerRecord<String, byte[]> record, ItemFailure failure,
            int attempt) {
        Throwable error = failure.getCause() == null ? failure : failure.getCause();
        return FailedRecords.forward(topic, record, stage.name(), error, failure.code(), failure.getMessage(), attempt);
    }

    /** The attempt this delivery is: 1 on the products topic, as recorded on retry records. */
    static int attemptOf(ConsumerRecord<String, byte[]> record) {
        return (int) RecordHeaders.number(record.headers(), RecordHeaders.ATTEMPT, 1);
    }

    @Override
    public void close() {
        outcomes.close();
        producer.close(Duration.ofSeconds(10));
    }
}
