package io.catalogingest.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.ingest.core.UploadTransactions;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.dropwizard.lifecycle.Managed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A fixed pool of transactional producers: a transactional producer runs one transaction at a
 * time, so concurrent uploads each borrow one. Transactional ids are stable per instance and slot,
 * so a restarted instance fences its predecessor's open transactions at once.
 */
public final class TransactionalProducers implements UploadTransactions, Managed {
    private final KafkaFactory kafka;
    private final String instanceId;
    private final int size;
    private final Duration acquireTimeout;
    private final Duration kafkaTimeout;
    private final BlockingQueue<Slot> idle;
    private final List<Slot> all = new ArrayList<>();

    public TransactionalProducers(KafkaFactory kafka, String instanceId, int size, Duration acquireTimeout,
            Duration kafkaTimeout) {
        this.kafkaTimeout = kafkaTimeout;
        this.kafka = kafka;
        this.instanceId = instanceId;
        this.size = size;
        this.acquireTimeout = acquireTimeout;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    @Override
    public void start() {
        for (int i = 0; i < size; i++) {
            Slot slot = new Slot(instanceId + "-" + i);
            all.add(slot);
            idle.add(slot);
        }
    }

    @Override
    public void stop() {
        all.forEach(Slot::close);
    }

    /** Borrows a producer and begins a transaction on it. */
    @Override
    public Transaction begin() throws UnavailableException {
        Slot slot;
        try {
            slot = idle.poll(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for a producer", e);
        }
        if (slot == null) {
            throw new UnavailableException("all " + size + " upload producers busy", null);
        }
        try {
            slot.producer().beginTransaction();
            return new Transaction(slot);
        } catch (KafkaException e) {
            slot.discard();
            idle.add(slot);
            throw new UnavailableException("cannot begin a Kafka transaction", e);
        }
    }

    /** One upload's transaction. Commit ends it; close aborts it if it was not committed. */
    public final class Transaction implements UploadTransactions.Transaction {
        private final Slot slot;
        private boolean open = true;

        private Transaction(Slot slot) {
            this.slot = slot;
        }

        @Override
        public void product(ProductSubmitted product) {
            send(Topics.PRODUCTS, Topics.productKey(product.getMerchantId(), product.getSku()), product);
        }

        @Override
        public void refused(ItemProcessed refusal) {
            send(Topics.RESULTS, refusal.getUploadId(), refusal);
        }

        @Override
        public void accepted(UploadAccepted accepted) {
            send(Topics.UPLOADS, accepted.getUploadId(), accepted);
        }

        private void send(String topic, String key, SpecificRecord value) {
            slot.producer().send(new ProducerRecord<>(topic, key, value));
        }

        /** Commits: on return every record is durably in Kafka. */
        @Override
        public void commit() throws UnavailableException {
            try {
                slot.producer().commitTransaction();
                open = false;
            } catch (KafkaException e) {
                throw new UnavailableException("Kafka did not commit the upload", e);
            }
        }

        @Override
        public void close() {
            if (open) {
                try {
                    slot.producer().abortTransaction();
                } catch (KafkaException e) {
                    slot.discard();
                }
            }
            idle.add(slot);
        }
    }

    private final class Slot {
        private final String transactionalId;
        private Producer<String, SpecificRecord> producer;

        Slot(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        Producer<String, SpecificRecord> producer() {
            if (producer == null) {
                var props = kafka.transactionalProducer(transactionalId);
                // Every blocking call (metadata, buffer space, commit) gives up after kafkaTimeout.
                long timeout = kafkaTimeout.toMillis();
                props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
                props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
                props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(2 * timeout + 1000));
                // A gigabyte upload is one transaction: allow the broker's maximum (15 min) for it.
                props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
                KafkaProducer<String, SpecificRecord> created =
                        new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(kafka.registry()));
                try {
                    created.initTransactions();
                } catch (KafkaException e) {
                    created.close(Duration.ZERO);
                    throw e;
                }
                producer = created;
            }
            return producer;
        }

        /** A producer in an unknown or fatal state is closed; the next use creates a new one. */
        void discard() {
            close();
            producer = null;
        }

        void close() {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }
}
