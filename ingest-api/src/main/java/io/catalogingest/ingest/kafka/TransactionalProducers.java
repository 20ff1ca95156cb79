package io.catalogingest.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.ingest.core.IntakeUnavailableException;
import io.catalogingest.ingest.core.UploadTransactions;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.dropwizard.lifecycle.Managed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed pool of transactional producers, each running one upload's transaction at a time. A
 * transaction holds one UploadAccepted (with the products of a small upload) and lasts
 * milliseconds: the body has been read in full before it begins, so no client's pace ever keeps a
 * transaction open. Transactional ids are stable per
 * instance and slot, so a restarted instance fences its predecessor's open transactions at once.
 *
 * <p>A commit that times out is retried, as the producer allows, until {@code commitDeadline}. If
 * it is still unresolved then, the outcome is established: a new producer with the same
 * transactional id fences the old one, which completes or aborts the transaction on the broker,
 * and the record is looked for with a read_committed consumer.
 */
public final class TransactionalProducers implements UploadTransactions, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducers.class);

    private final KafkaFactory kafka;
    private final String instanceId;
    private final int size;
    private final Duration acquireTimeout;
    private final Duration kafkaTimeout;
    private final Duration commitDeadline;
    private final BlockingQueue<Slot> idle;
    private final List<Slot> all = new ArrayList<>();

    private final Meter commitTimeouts;
    private final Meter fencedCommits;

    public TransactionalProducers(KafkaFactory kafka, String instanceId, int size, Duration acquireTimeout,
            Duration kafkaTimeout, Duration commitDeadline, MetricRegistry metrics) {
        this.commitTimeouts = metrics.meter("uploads.commit-timeouts");
        this.fencedCommits = metrics.meter("uploads.commits-settled-by-fencing");
        this.kafka = kafka;
        this.instanceId = instanceId;
        this.size = size;
        this.acquireTimeout = acquireTimeout;
        this.kafkaTimeout = kafkaTimeout;
        this.commitDeadline = commitDeadline;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    @Override
    public void start() {
        for (int i = 0; i < size; i++) {
            Slot slot = new Slot(instanceId + "-" + i);
            all.add(slot);
            idle.add(slot);
        }
        // Meets the broker now, so that the first uploads do not wait for it (and a restarted
        // instance fences its predecessor's open transactions at once). Kafka may be away: then
        // each slot tries again on first use.
        try {
            all.forEach(Slot::producer);
        } catch (KafkaException e) {
            LOG.warn("upload producers not ready at start; they retry on first use: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        all.forEach(Slot::discard);
    }

    @Override
    public void commit(UploadAccepted accepted, List<ProductSubmitted> products, OutcomeBatch refusals)
            throws IntakeUnavailableException {
        Slot slot;
        try {
            slot = idle.poll(acquireTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeUnavailableException("UPLOADS_BUSY", "interrupted while waiting for a producer", e);
        }
        if (slot == null) {
            throw new IntakeUnavailableException("UPLOADS_BUSY", "all " + size + " upload producers are busy", null);
        }
        try {
            slot.commit(accepted, products, refusals);
        } finally {
            idle.add(slot);
        }
    }

    private final class Slot {
        private final String transactionalId;
        private Producer<String, SpecificRecord> producer;

        Slot(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        void commit(UploadAccepted accepted, List<ProductSubmitted> products, OutcomeBatch refusals)
                throws IntakeUnavailableException {
            Future<RecordMetadata> sent;
            try {
                producer().beginTransaction();
                for (ProductSubmitted product : products) {
                    producer.send(new ProducerRecord<>(Topics.PRODUCTS, Topics.productKey(product.getMerchantId(), product.getSku()),
                            product));
                }
                for (ItemOutcomes refused : refusals.records()) {
                    producer.send(new ProducerRecord<>(Topics.OUTCOMES, refused.getUploadId(), refused));
                }
                // Last: if it is committed, so is everything before it in the transaction.
                sent = producer.send(new ProducerRecord<>(Topics.UPLOADS, accepted.getUploadId(), accepted));
            } catch (KafkaException e) {
                abortQuietly();
                throw unavailable("Kafka did not take the upload", e);
            }
            long deadline = System.nanoTime() + commitDeadline.toNanos();
            while (true) {
                try {
                    producer.commitTransaction();
                    return;
                } catch (TimeoutException e) {
                    if (System.nanoTime() - deadline > 0) {
                        break;
                    }
                    commitTimeouts.mark();
                    LOG.warn("commit of upload {} timed out; retrying", accepted.getUploadId());
                } catch (KafkaException e) {
                    // Any error but a timeout leaves the transaction uncommitted: abortable errors
                    // must be aborted, and fencing aborts it on the broker.
                    abortQuietly();
                    throw unavailable("Kafka did not commit the upload", e);
                }
            }
            if (!establishCommitted(sent)) {
                throw unavailable("Kafka did not commit the upload within " + commitDeadline, null);
            }
            LOG.info("upload {} was committed although its commit timed out", accepted.getUploadId());
        }

        /** After an unresolved commit: fences the transaction to its final state, then looks for the record. */
        private boolean establishCommitted(Future<RecordMetadata> sent) throws IntakeUnavailableException {
            fencedCommits.mark();
            discard();
            try {
                producer(); // initTransactions fences the old producer: its transaction ends committed or aborted
            } catch (KafkaException e) {
                throw IntakeUnavailableException.outcomeUnknown("Kafka could not settle a timed-out commit", e);
            }
            RecordMetadata written;
            try {
                // The producer sends EndTxn only after every send was acknowledged: an unacknowledged
                // send means the transaction could not have committed.
                written = sent.isDone() ? sent.get() : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                return false;
            }
            return written != null && visible(written);
        }

        private boolean visible(RecordMetadata written) throws IntakeUnavailableException {
            TopicPartition partition = new TopicPartition(written.topic(), written.partition());
            var props = kafka.consumer("ingest-commit-check", instanceId + "-commit-check");
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(List.of(partition));
                consumer.seek(partition, written.offset());
                long deadline = System.nanoTime() + kafkaTimeout.toNanos();
                while (System.nanoTime() - deadline < 0) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.offset() == written.offset()) {
                            return true;
                        }
                    }
                    if (consumer.position(partition) > written.offset()) {
                        return false; // read past it: an aborted record is skipped
                    }
                }
            } catch (KafkaException e) {
                throw IntakeUnavailableException.outcomeUnknown("Kafka could not tell whether a timed-out commit took place", e);
            }
            throw IntakeUnavailableException.outcomeUnknown("Kafka could not tell whether a timed-out commit took place", null);
        }

        private IntakeUnavailableException unavailable(String message, Throwable cause) {
            return new IntakeUnavailableException("KAFKA_UNAVAILABLE", message, cause);
        }

        Producer<String, SpecificRecord> producer() {
            if (producer == null) {
                var props = kafka.transactionalProducer(transactionalId);
                // Every blocking call (metadata, buffer space, one commit attempt) gives up after kafkaTimeout.
                long timeout = kafkaTimeout.toMillis();
                props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
                props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
                props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(2 * timeout + 1000));
                // An open transaction holds back every read_committed consumer of its partitions. Ours
                // last milliseconds, so the broker may abort one soon: one left open by a crash or a
                // stalled network then blocks nobody for long (a commit it aborts answers 503).
                props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(Math.max(10_000, 2 * timeout)));
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

        private void abortQuietly() {
            try {
                if (producer != null) {
                    producer.abortTransaction();
                }
            } catch (RuntimeException e) {
                // a producer in an unknown or fatal state is replaced on next use
                discard();
            }
        }

        /** Closes the producer; the next use creates a new one. */
        void discard() {
            if (producer != null) {
                producer.close(Duration.ZERO);
                producer = null;
            }
        }
    }
}
