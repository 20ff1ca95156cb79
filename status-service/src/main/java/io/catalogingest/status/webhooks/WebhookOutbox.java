package io.catalogingest.status.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.status.api.WebhookEvent;
import io.catalogingest.status.db.WebhookDao;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves finished-upload events into the delivery outbox of merchants that registered a webhook.
 * Offsets are committed only after the batch's rows are written; a repeat adds nothing (event id).
 * The consuming loop is supervised: whatever fails (the database, the schema registry, a commit
 * refused because the consumer has left its group) is logged, and after a growing pause the loop
 * starts again with a new consumer at the committed offsets, for as long as the service runs. A
 * record that can never be read is logged, counted and skipped.
 */
public final class WebhookOutbox implements Managed {
    static final String RESTARTS = "webhooks.outbox.restarts";
    static final String ENQUEUED = "webhooks.outbox.enqueued";
    static final String UNREADABLE = "webhooks.outbox.unreadable";
    static final String CONSUMING = "webhooks.outbox.consuming";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_RESTART_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    private static final Duration STABLE_RUN = Duration.ofSeconds(5);
    /** Confluent wire format: magic byte 0, then the 4-byte schema id. */
    private static final int WIRE_FORMAT_HEADER = 5;

    /** The loop has not been consuming since {@code since}; {@code reason} is the latest failure. */
    public record Downtime(Instant since, String reason) {}

    private final KafkaFactory kafka;
    private final String groupId;
    private final AvroDeserializer<UploadFinished> events;
    private final WebhookDao dao;
    private final ObjectMapper json;
    private final Counter restarts;
    private final Meter enqueued;
    private final Counter unreadable;
    private final Thread thread = new Thread(this::superviseConsuming, "webhook-outbox");
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Downtime downtime = new Downtime(Instant.now(), "not started yet");

    public WebhookOutbox(KafkaFactory kafka, String groupId, WebhookDao dao, ObjectMapper json, MetricRegistry metrics) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.events = new AvroDeserializer<>(kafka.registry(), UploadFinished.class);
        this.dao = dao;
        this.json = json;
        this.restarts = metrics.counter(RESTARTS);
        this.enqueued = metrics.meter(ENQUEUED);
        this.unreadable = metrics.counter(UNREADABLE);
        metrics.register(CONSUMING, (Gauge<Integer>) () -> downtime == null ? 1 : 0);
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Empty while the loop consumes; otherwise since when it has not, and why. */
    public Optional<Downtime> downtime() {
        return Optional.ofNullable(downtime);
    }

    private void superviseConsuming() {
        Duration restartDelay = FIRST_RESTART_DELAY;
        while (!stopRequested()) {
            try (KafkaConsumer<String, byte[]> current = new KafkaConsumer<>(kafka.consumer(groupId, groupId),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = current;
                consume(current);
            } catch (WakeupException woken) {
                // stop() woke the consumer up
            } catch (VirtualMachineError e) {
                downtime = new Downtime(Instant.now(), e.toString());
                throw e;
            } catch (RuntimeException | Error e) {
                if (downtime == null) {
                    // It was consuming: this is a new incident, not one more failure of the last one.
                    restartDelay = FIRST_RESTART_DELAY;
                    downtime = new Downtime(Instant.now(), e.toString());
                } else {
                    downtime = new Downtime(downtime.since(), e.toString());
                }
                restarts.inc();
                LOG.error("webhook outbox failed; restarting it in {} ms", restartDelay.toMillis(), e);
                if (awaitStop(restartDelay)) {
                    return;
                }
                Duration doubled = restartDelay.multipliedBy(2);
                restartDelay = doubled.compareTo(MAX_RESTART_DELAY) < 0 ? doubled : MAX_RESTART_DELAY;
            }
        }
    }

    /**
     * Polls until stopped. It counts as consuming again once it commits a batch, or once it has run
     * for {@link #STABLE_RUN} without failing: a loop that fails again on the same record right after
     * each restart stays down, however many empty polls (joining the group) come first.
     */
    private void consume(KafkaConsumer<String, byte[]> current) {
        Instant started = Instant.now();
        current.subscribe(List.of(Topics.UPLOAD_EVENTS));
        while (!stopRequested()) {
            ConsumerRecords<String, byte[]> records = current.poll(POLL_TIMEOUT);
            List<WebhookDao.QueuedEvent> batch = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> record : records) {
                read(record).map(this::queued).ifPresent(batch::add);
            }
            if (!batch.isEmpty()) {
                enqueued.mark(IntStream.of(dao.enqueue(batch)).sum());
            }
            // Once per batch: a batch redone after a restart adds no row (the event id is the key).
            if (!records.isEmpty()) {
                current.commitSync();
            }
            if (!records.isEmpty() || Duration.between(started, Instant.now()).compareTo(STABLE_RUN) >= 0) {
                downtime = null;
            }
        }
    }

    /**
     * The event, or empty when the record can never be read (not in the wire format, or bytes its
     * schema does not decode). A registry that cannot answer now throws instead: that is retried.
     */
    private Optional<UploadFinished> read(ConsumerRecord<String, byte[]> record) {
        byte[] value = record.value();
        if (value == null || value.length < WIRE_FORMAT_HEADER || value[0] != 0) {
            return skipUnreadable(record, "not in the Confluent wire format");
        }
        try {
            return Optional.of(events.deserialize(record.topic(), value));
        } catch (RuntimeException e) {
            if (SchemaRegistryClient.UnavailableException.in(e)) {
                throw e; // an outage, not a broken record: the loop retries it
            }
            return skipUnreadable(record, e.getCause() == null ? e.toString() : e + " (" + e.getCause() + ")");
        }
    }

    private Optional<UploadFinished> skipUnreadable(ConsumerRecord<String, byte[]> record, String reason) {
        unreadable.inc();
        LOG.error("unreadable webhook event skipped: topic {} partition {} offset {}: {}", record.topic(), record.partition(),
                record.offset(), reason);
        return Optional.empty();
    }

    private WebhookDao.QueuedEvent queued(UploadFinished event) {
        try {
            return new WebhookDao.QueuedEvent(event.getEventId(), event.getMerchantId(), json.writeValueAsString(WebhookEvent.of(event)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook event " + event.getEventId() + " cannot be written as JSON", e);
        }
    }

    private boolean stopRequested() {
        return stopping.getCount() == 0;
    }

    /** Waits before a restart; true when the service stops meanwhile. */
    private boolean awaitStop(Duration delay) {
        try {
            return stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void stop() throws InterruptedException {
        stopping.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        thread.join(10_000);
    }
}
