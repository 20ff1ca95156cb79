package io.catalogingest.workers.kafka;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.SpooledBody;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.split.UploadSplitter;
import io.dropwizard.lifecycle.Managed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The splitter pool: consumers in their own group on the uploads topic, each with a transactional
 * producer. An accepted upload's body is streamed from the object store and its records produced
 * in transactions of {@code chunkSize} items. Each transaction also commits the consumer offset
 * <em>of the UploadAccepted record itself</em>, with the next item index as offset metadata; the
 * last one commits the offset past it, with an UploadSplit record. So records and progress commit
 * together: after a crash the record is read again and the split resumes at the committed index,
 * and no accepted upload is left half split or split twice.
 */
public final class SplitterPool implements Managed, WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(SplitterPool.class);
    private static final String CHECKPOINT = "split:";

    /** Opens a spooled body. */
    public interface Bodies {
        InputStream open(SpooledBody body) throws Exception;
    }

    private final KafkaClients kafka;
    private final String instanceId;
    private final UploadSplitter splitter;
    private final Bodies bodies;
    private final Function<Set<String>, Set<String>> cancelledAmong;
    private final int consumers;
    private final Meter items;
    private final Meter uploads;
    private final Meter unreadable;
    private final Meter faults;
    private final Meter deadLettered;
    private final RetryPolicy retryPolicy;
    private final PoolThreads threads = new PoolThreads();

    /**
     * {@code retryPolicy}: how often an upload is split again after a fault of its own
     * ({@code maxAttempts}) or a dependency's ({@code retriesInPlace}) before it is dead-lettered.
     */
    public SplitterPool(KafkaClients kafka, String instanceId, UploadSplitter splitter, Bodies bodies,
            Function<Set<String>, Set<String>> cancelledAmong, int consumers, RetryPolicy retryPolicy, MetricRegistry metrics) {
        this.retryPolicy = retryPolicy;
        this.kafka = kafka;
        this.instanceId = instanceId;
        this.splitter = splitter;
        this.bodies = bodies;
        this.cancelledAmong = cancelledAmong;
        this.consumers = consumers;
        String prefix = MetricRegistry.name("stage", ConsumerGroups.SPLITTER);
        this.items = metrics.meter(MetricRegistry.name(prefix, "items"));
        this.uploads = metrics.meter(MetricRegistry.name(prefix, "uploads"));
        this.unreadable = metrics.meter(MetricRegistry.name(prefix, "unreadable"));
        this.faults = metrics.meter(MetricRegistry.name(prefix, "dependency-faults"));
        this.deadLettered = metrics.meter(MetricRegistry.name(prefix, "dead-lettered"));
        PoolSupport.registerLag(metrics, prefix, threads::consumers);
    }

    @Override
    public void start() {
        for (int i = 0; i < consumers; i++) {
            Member member = new Member(ConsumerGroups.SPLITTER + "-" + instanceId + "-" + i);
            threads.start(member.consumer, member.thread);
        }
    }

    /** A split in progress is abandoned uncommitted; the next owner resumes it at its checkpoint. */
    @Override
    public void stop() throws InterruptedException {
        threads.stop(Duration.ofSeconds(30));
    }

    @Override
    public long deadConsumers() {
        return threads.dead();
    }

    /** How the record in hand failed in a row: its own faults and dependency faults, each with its bound. */
    private final class Failures {
        private ConsumerRecord<String, byte[]> record;
        private int attempts;
        private int inPlace;
        private Exception last;

        void add(ConsumerRecord<String, byte[]> failed, Exception e, boolean dependency) {
            if (record == null || record.partition() != failed.partition() || record.offset() != failed.offset()) {
                record = failed;
                attempts = 0;
                inPlace = 0;
            }
            if (dependency) {
                inPlace++;
            } else {
                attempts++;
            }
            last = e;
        }

        boolean exhausted(ConsumerRecord<String, byte[]> next) {
            return record != null && record.partition() == next.partition() && record.offset() == next.offset()
                    && (attempts >= retryPolicy.maxAttempts() || inPlace > retryPolicy.retriesInPlace());
        }

        @Override
        public String toString() {
            return attempts + " time(s) on its own, " + inPlace + " time(s) on a dependency";
        }
    }

    private final class Member implements Runnable {
        final Consumer<String, byte[]> consumer;
        final Thread thread;
        private final String transactionalId;
        private final AvroDeserializer<UploadAccepted> accepted = new AvroDeserializer<>(kafka.registry(), UploadAccepted.class);
        private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(kafka.registry());
        private Producer<String, byte[]> producer;
        private boolean inTransaction;
        /** The refusals of the open transaction's chunk; sent when it commits. */
        private OutcomeBatch refusals;

        Member(String clientId) {
            // One upload per poll: a split takes long, and a failed one is retried from its own record.
            consumer = kafka.consumer(ConsumerGroups.SPLITTER, clientId, 1);
            transactionalId = clientId;
            thread = new Thread(this, clientId);
        }

        @Override
        public void run() {
            Duration backoff = PoolSupport.FIRST_BACKOFF;
            Failures failures = new Failures();
            try (consumer) {
                consumer.subscribe(List.of(Topics.UPLOADS));
                producer(); // fences a crashed predecessor's open transaction before any split
                while (true) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        try {
                            if (failures.exhausted(record)) {
                                giveUp(record, failures);
                            } else {
                                split(record);
                            }
                            backoff = PoolSupport.FIRST_BACKOFF;
                            failures = new Failures();
                        } catch (WakeupException | InterruptedException | VirtualMachineError e) {
                            throw e;
                        } catch (Exception e) {
                            // Split again from its checkpoint after a pause, a bounded number of times: a
                            // dependency's fault often, one of the upload's own (a crafted record) a few.
                            failures.add(record, e, DependencyFaults.isDependencyFault(e));
                            faults.mark();
                            LOG.warn("split of upload {} failed ({}); retrying in {} ms: {}", record.key(), failures,
                                    backoff.toMillis(), e.toString());
                            abandonTransaction();
                            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                            if (consumer.assignment().contains(partition)) {
                                // Given away meanwhile (a rebalance): its new owner resumes the split.
                                consumer.seek(partition, record.offset());
                            }
                            Thread.sleep(backoff.toMillis());
                            backoff = PoolSupport.nextBackoff(backoff);
                        }
                    }
                }
            } catch (WakeupException stopping) {
                LOG.info("splitter {} stopped", thread.getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("splitter {} died", thread.getName(), e);
            } finally {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(5));
                }
            }
        }

        private void split(ConsumerRecord<String, byte[]> record) throws Exception {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            UploadAccepted upload;
            try {
                // A record without a value (a tombstone) is no upload either: retrying it would block the partition.
                upload = Objects.requireNonNull(accepted.deserialize(record.topic(), record.value()), "record without a value");
            } catch (RuntimeException e) {
                if (SchemaRegistryClient.UnavailableException.in(e)) {
                    throw e; // a dependency fault: the record is read again after a pause
                }
                unreadable.mark();
                LOG.error("unreadable record at {} offset {} dead-lettered: {}", partition, record.offset(), e.toString());
                deadLetter(record, e, "UNREADABLE_RECORD", 1);
                commit(partition, new OffsetAndMetadata(record.offset() + 1), null);
                return;
            }
            MDC.put("uploadId", upload.getUploadId());
            try {
                if (upload.getBody() == null) {
                    // Accepted before bodies were spooled: its products were written with it.
                    commit(partition, new OffsetAndMetadata(record.offset() + 1), null);
                    return;
                }
                int resumeFrom = resumeIndex(partition, record.offset(), upload.getUploadId());
                if (cancelled(upload)) {
                    finish(partition, record, upload, new UploadSplitter.Result(
                            upload.getItemCount() == null ? 0 : upload.getItemCount(), upload.getRefusedItems(), true));
                    return;
                }
                producer().beginTransaction();
                inTransaction = true;
                refusals = new OutcomeBatch(upload.getUploadId(), Stage.VALIDATION);
                UploadSplitter.Result result;
                try (InputStream body = bodies.open(upload.getBody())) {
                    result = splitter.split(upload, body, resumeFrom, new Output(partition, record, upload));
                }
                finish(partition, record, upload, result);
            } finally {
                MDC.remove("uploadId");
            }
        }

        /**
         * An upload that failed too often: dead-lettered, and finished where its split had come,
         * with the item it stopped at reported refused ({@code SPLIT_FAILED}), so it still reaches DONE.
         */
        private void giveUp(ConsumerRecord<String, byte[]> record, Failures failures) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            UploadAccepted upload = accepted.deserialize(record.topic(), record.value()); // read before, it failed later
            int at = resumeIndex(partition, record.offset(), upload.getUploadId());
            String message = "the split failed " + failures + " and stopped at this item: " + failures.last;
            LOG.error("upload {}: split given up at item {} after failing {}; dead-lettered: {}", upload.getUploadId(), at,
                    failures, failures.last.toString());
            deadLetter(record, failures.last, "SPLIT_FAILED", failures.attempts + failures.inPlace);
            refusals = new OutcomeBatch(upload.getUploadId(), Stage.VALIDATION);
            refusals.failed(OutcomeBatch.failure(at, null, "SPLIT_FAILED", message, failures.attempts + failures.inPlace));
            finish(partition, record, upload, new UploadSplitter.Result(at + 1, 1, false));
        }

        /** Sends the record to the split dead-letter topic in the open transaction (one is begun if none is). */
        private void deadLetter(ConsumerRecord<String, byte[]> record, Throwable error, String code, int attempts) {
            if (!inTransaction) {
                producer().beginTransaction();
                inTransaction = true;
            }
            producer.send(FailedRecords.forward(Topics.SPLIT_DEAD_LETTERS, record, "SPLIT", error, code,
                    String.valueOf(error.getMessage()), attempts));
            deadLettered.mark();
        }

        /** The index a crashed split of this record committed, or 0. */
        private int resumeIndex(TopicPartition partition, long offset, String uploadId) {
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            String prefix = CHECKPOINT + uploadId + ":";
            if (committed != null && committed.offset() == offset && committed.metadata().startsWith(prefix)) {
                int index = Integer.parseInt(committed.metadata().substring(prefix.length()));
                LOG.info("resuming the split of upload {} at item {}", uploadId, index);
                return index;
            }
            return 0;
        }

        private boolean cancelled(UploadAccepted upload) {
            return cancelledAmong.apply(Set.of(upload.getUploadId())).contains(upload.getUploadId());
        }

        /** The last transaction: the UploadSplit record, and the offset past the upload. */
        private void finish(TopicPartition partition, ConsumerRecord<String, byte[]> record, UploadAccepted upload,
                UploadSplitter.Result result) {
            UploadSplit split = UploadSplit.newBuilder().setUploadId(upload.getUploadId()).setMerchantId(upload.getMerchantId())
                    .setItemCount(result.itemCount()).setRefusedItems(result.refusedItems()).setCancelled(result.stopped())
                    .setSplitAt(Instant.now()).build();
            commit(partition, new OffsetAndMetadata(record.offset() + 1), split);
            uploads.mark();
            if (upload.getItemCount() != null && upload.getItemCount() != result.itemCount() && !result.stopped()) {
                LOG.warn("upload {} was accepted with {} items but its body holds {}", upload.getUploadId(),
                        upload.getItemCount(), result.itemCount());
            }
            LOG.info("upload {} split: {} items, {} refused{}", upload.getUploadId(), result.itemCount(),
                    result.refusedItems(), result.stopped() ? ", stopped: cancelled" : "");
        }

        /** Commits the open transaction (beginning one if none is open) with the offset and, if given, one more record. */
        private void commit(TopicPartition partition, OffsetAndMetadata offset, UploadSplit split) {
            Producer<String, byte[]> p = producer();
            if (!inTransaction) {
                p.beginTransaction();
            }
            if (refusals != null) {
                for (ItemOutcomes refused : refusals.records()) {
                    send(Topics.OUTCOMES, refused.getUploadId(), refused);
                }
                refusals = new OutcomeBatch(refusals.uploadId(), Stage.VALIDATION);
            }
            if (split != null) {
                send(Topics.UPLOAD_SPLITS, split.getUploadId(), split);
            }
            p.sendOffsetsToTransaction(Map.of(partition, offset), consumer.groupMetadata());
            p.commitTransaction();
            inTransaction = false;
        }

        private Producer<String, byte[]> producer() {
            if (producer == null) {
                producer = kafka.transactionalProducer(transactionalId);
                producer.initTransactions();
            }
            return producer;
        }

        private void send(String topic, String key, SpecificRecord value) {
            producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value)));
        }

        /** After a failure: abort what is open; a producer that cannot abort is replaced. */
        private void abandonTransaction() {
            if (producer == null) {
                return;
            }
            try {
                if (inTransaction) {
                    producer.abortTransaction();
                }
            } catch (KafkaException e) {
                producer.close(Duration.ZERO);
                producer = null;
            }
            inTransaction = false;
            refusals = null;
        }

        private final class Output implements UploadSplitter.Output {
            private final TopicPartition partition;
            private final ConsumerRecord<String, byte[]> record;
            private final UploadAccepted upload;

            Output(TopicPartition partition, ConsumerRecord<String, byte[]> record, UploadAccepted upload) {
                this.partition = partition;
                this.record = record;
                this.upload = upload;
            }

            @Override
            public void product(ProductSubmitted product) {
                send(Topics.PRODUCTS, Topics.productKey(product.getMerchantId(), product.getSku()), product);
                items.mark();
            }

            @Override
            public void refused(FailedItem refusal) {
                refusals.failed(refusal);
                items.mark();
            }

            @Override
            public boolean checkpoint(int nextIndex) {
                commit(partition, new OffsetAndMetadata(record.offset(), CHECKPOINT + upload.getUploadId() + ":" + nextIndex), null);
                if (cancelled(upload)) {
                    return false;
                }
                producer.beginTransaction();
                inTransaction = true;
                return true;
            }
        }
    }
}
