package io.catalogingest.status.webhooks;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.serde.AvroDeserializer;
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
 */
public final class WebhookOutbox implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<UploadFinished> events;
    private final WebhookDao dao;
    private final ObjectMapper json;
    private final Thread thread;
    private volatile boolean running = true;

    public WebhookOutbox(KafkaFactory kafka, String groupId, WebhookDao dao, ObjectMapper json) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(groupId, groupId), new StringDeserializer(), new ByteArrayDeserializer());
        this.events = new AvroDeserializer<>(kafka.registry(), UploadFinished.class);
        this.dao = dao;
        this.json = json;
        this.thread = new Thread(this::run, "webhook-outbox");
    }

    @Override
    public void start() {
        consumer.subscribe(List.of(Topics.UPLOAD_EVENTS));
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (!enqueue(record)) {
                        return;
                    }
                }
                // Once per batch: a batch redone after a crash adds no row (the event id is the key).
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException stopping) {
            // closing
        } catch (JsonProcessingException e) {
            LOG.error("webhook events stopped: an event could not be written as JSON", e);
        } finally {
            consumer.close();
        }
    }

    /** Retries until the database takes the row (an event must not be skipped); false when stopping first. */
    private boolean enqueue(ConsumerRecord<String, byte[]> record) throws JsonProcessingException {
        UploadFinished event = events.deserialize(record.topic(), record.value());
        String payload = json.writeValueAsString(WebhookEvent.of(event));
        for (long backoff = 500; running; backoff = Math.min(backoff * 2, 30_000)) {
            try {
                dao.webhookOf(event.getMerchantId())
                        .ifPresent(hook -> dao.enqueue(event.getEventId(), event.getMerchantId(), hook.url(), payload));
                return true;
            } catch (RuntimeException | AssertionError e) {
                LOG.warn("upload {}: webhook event {} not queued yet, retrying in {} ms: {}", event.getUploadId(),
                        event.getEventId(), backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
