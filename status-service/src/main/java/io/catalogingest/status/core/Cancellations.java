package io.catalogingest.status.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.catalogingest.common.db.CancellationDao;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Cancels a queued upload: first where the workers look (PostgreSQL), so they skip its items from
 * now on, then on the cancellations topic, so the status fold marks it CANCELLED. Both are
 * idempotent, so a retried cancel is harmless.
 */
public final class Cancellations implements AutoCloseable {
    private final CancellationDao dao;
    private final Producer<String, byte[]> producer;
    private final AvroSerializer<UploadCancelled> serializer;

    public Cancellations(CancellationDao dao, KafkaFactory kafka, String clientId) {
        this(dao, new KafkaProducer<>(kafka.producer(clientId), new StringSerializer(), new ByteArraySerializer()), kafka.registry());
    }

    /** Over a producer and registry of the caller's choosing, e.g. in-memory ones. */
    public Cancellations(CancellationDao dao, Producer<String, byte[]> producer, SchemaRegistry registry) {
        this.dao = dao;
        this.producer = producer;
        this.serializer = new AvroSerializer<>(registry);
    }

    public void cancel(String uploadId, String merchantId) throws Exception {
        dao.cancel(uploadId, merchantId);
        UploadCancelled event = new UploadCancelled(uploadId, merchantId, Instant.now());
        producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, uploadId, serializer.serialize(Topics.CANCELLATIONS, event)))
                .get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
