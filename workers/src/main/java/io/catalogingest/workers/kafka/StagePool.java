package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.Outcomes;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of consumers in one consumer group, each on its own thread, reading the products topic
 * and the stage's retry topic. For every polled batch: apply it, publish what follows (an outcome
 * per item, retry and dead-letter records) and wait for the acknowledgements, and only then commit
 * the batch's offsets. A crash before the commit re-delivers the batch; the stage's effects are
 * idempotent and the status fold keeps one outcome per item, so that is harmless.
 */
public final class StagePool implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(StagePool.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaFactory kafka;
    private final String groupId;
    private final String instanceId;
    private final StageHandler handler;
    private final int consumers;
    private final int maxPollRecords;
    private final RetryPolicy retryPolicy;
    private final String retryTopic;
    private final String deadLetterTopic;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AvroDeserializer<ProductSubmitted> products;
    private final AvroSerializer<ItemProcessed> outcomes;
    private final Meter succeeded;
    private final Meter failed;
    private final Meter retried;
    private final Meter deadLettered;
    private final Timer batches;
    private Producer<String, byte[]> producer;

    public StagePool(KafkaFactory kafka, String groupId, String instanceId, StageHandler handler, int consumers,
            int maxPollRecords, RetryPolicy retryPolicy, MetricRegistry metrics) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.handler = handler;
        this.consumers = consumers;
        this.maxPollRecords = maxPollRecords;
        this.retryPolicy = retryPolicy;
        this.retryTopic = Topics.retry(handler.stage());
        this.deadLetterTopic = Topics.deadLetter(handler.stage());
        this.products = new AvroDeserializer<>(kafka.registry(), ProductSubmitted.class);
        this.outcomes = new AvroSerializer<>(kafka.registry());
        String prefix = MetricRegistry.name("stage", groupId);
        this.succeeded = metrics.meter(MetricRegistry.name(prefix, "succeeded"));
        this.failed = metrics.meter(MetricRegistry.name(prefix, "failed"));
        this.retried = metrics.meter(MetricRegistry.name(prefix, "retried"));
        this.deadLettered = metrics.meter(MetricRegistry.name(prefix, "dead-lettered"));
        this.batches = metrics.timer(MetricRegistry.name(prefix, "batch"));
        metrics.register(MetricRegistry.name(prefix, "consumer-lag"), (Gauge<Double>) this::maxLag);
    }

    @Override
    public void start() {
        producer = new KafkaProducer<>(kafka.producer(groupId + "-" + instanceId + "-out"), new StringSerializer(),
                new ByteArraySerializer());
        for (int i = 0; i < consumers; i++) {
            Worker worker = new Worker(groupId + "-" + instanceId + "-" + i);
            workers.add(worker);
            worker.thread.start();
        }
    }

    /** Finishes the batch in hand, commits it, and leaves the group; nothing past it is committed. */
    @Override
    public void stop() throws InterruptedException {
        workers.forEach(w -> w.consumer.wakeup());
        for (Worker w : workers) {
            w.thread.join(Duration.ofSeconds(30).toMillis());
        }
        producer.close(Duration.ofSeconds(10));
    }

    /** Consumer threads of this pool that are not running although the pool is started. */
    public long deadConsumers() {
        return workers.stream().filter(w -> !w.thread.isAlive()).count();
    }

    /** The largest lag (records behind the end) any consumer of this pool reports. */
    private double maxLag() {
        double lag = 0;
        for (Worker w : workers) {
            for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> m : w.consumer.metrics().entrySet()) {
                if (m.getKey().name().equals("records-lag-max") && m.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                    lag = Math.max(lag, d);
                }
            }
        }
        return lag;
    }

    private final class Worker implements Runnable {
        final KafkaConsumer<String, byte[]> consumer;
        final Thread thread;
        /** Retry partitions paused until their head record is due, with the time it is due. */
        final Map<TopicPartition, Long> pausedUntil = new HashMap<>();

        Worker(String clientId) {
            var props = kafka.consumer(groupId, clientId);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            thread = new Thread(this, clientId);
        }

        @Override
        public void run() {
            Duration backoff = FIRST_BACKOFF;
            try (consumer) {
                consumer.subscribe(List.of(Topics.PRODUCTS, retryTopic), new RebalanceListener(consumer, pausedUntil));
                while (true) {
                    resumeDue();
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    try (Timer.Context ignored = batches.time()) {
                        processBatch(dueRecords(records));
                        backoff = FIRST_BACKOFF;
                    } catch (WakeupException e) {
                        throw e;
                    } catch (VirtualMachineError e) {
                        throw e;
                    } catch (Exception | Error e) {
                        // Errors too: a driver that throws AssertionError on a dropped connection must
                        // not kill the consumer thread.
                        // A fault of the whole batch (database, object store, Kafka) is not the items'
                        // fault, so no attempt is counted; wait and take the same records again.
                        LOG.warn("{} batch of {} records failed; pausing {} ms before retrying it: {}", handler.stage(),
                                records.count(), backoff.toMillis(), e.toString());
                        rewind(records);
                        Thread.sleep(backoff.toMillis());
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                }
            } catch (WakeupException stopping) {
                LOG.info("{} consumer {} stopped", handler.stage(), thread.getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("{} consumer {} died", handler.stage(), thread.getName(), e);
            }
        }

        /**
         * Retry records that are not due yet stay unprocessed: their partition is rewound to them
         * and paused until they are due, while every other partition goes on.
         */
        private List<ConsumerRecord<String, byte[]>> dueRecords(ConsumerRecords<String, byte[]> records) {
            long now = System.currentTimeMillis();
            List<ConsumerRecord<String, byte[]>> due = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    long notBefore = RecordHeaders.number(r.headers(), RecordHeaders.NOT_BEFORE, 0);
                    if (tp.topic().equals(retryTopic) && notBefore > now) {
                        consumer.seek(tp, r.offset());
                        consumer.pause(List.of(tp));
                        pausedUntil.put(tp, notBefore);
                        break;
                    }
                    due.add(r);
                }
            }
            return due;
        }

        private void resumeDue() {
            long now = System.currentTimeMillis();
            List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> e.getValue() <= now).map(Map.Entry::getKey).toList();
            if (!due.isEmpty()) {
                due.forEach(pausedUntil::remove);
                consumer.resume(due.stream().filter(consumer.assignment()::contains).toList());
            }
        }

        private void processBatch(List<ConsumerRecord<String, byte[]>> records) throws Exception {
            List<ProductSubmitted> batch = new ArrayList<>(records.size());
            List<ConsumerRecord<String, byte[]>> readable = new ArrayList<>(records.size());
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    batch.add(products.deserialize(r.topic(), r.value()));
                    readable.add(r);
                } catch (RuntimeException unreadable) {
                    // Cannot even be reported per item (no upload id): straight to the dead-letter topic.
                    acks.add(deadLetter(r, new ItemFailure("UNREADABLE_RECORD", String.valueOf(unreadable.getMessage()), true,
                            unreadable), attemptOf(r)));
                }
            }
            List<ItemOutcome> results = batch.isEmpty() ? List.of() : handler.process(batch);
            for (int i = 0; i < results.size(); i++) {
                acks.addAll(route(readable.get(i), results.get(i)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            if (!records.isEmpty()) {
                consumer.commitSync(nextOffsets(records));
            }
        }

        private List<Future<RecordMetadata>> route(ConsumerRecord<String, byte[]> record, ItemOutcome outcome) {
            ProductSubmitted product = outcome.product();
            int attempt = attemptOf(record);
            if (outcome.succeeded()) {
                succeeded.mark();
                return List.of(publishOutcome(Outcomes.succeeded(product, handler.stage(), attempt)));
            }
            ItemFailure failure = outcome.failure();
            if (retryPolicy.route(failure, attempt) == RetryPolicy.Route.RETRY) {
                retried.mark();
                return List.of(retry(record, failure, attempt));
            }
            failed.mark();
            LOG.info("upload {} item {} ({}) failed in {} after {} attempt(s): {} {}", product.getUploadId(),
                    product.getItemIndex(), product.getSku(), handler.stage(), attempt, failure.code(), failure.getMessage());
            return List.of(deadLetter(record, failure, attempt),
                    publishOutcome(Outcomes.failed(product, handler.stage(), attempt, failure)));
        }

        private Future<RecordMetadata> publishOutcome(ItemProcessed outcome) {
            return producer.send(new ProducerRecord<>(Topics.RESULTS, outcome.getUploadId(),
                    outcomes.serialize(Topics.RESULTS, outcome)));
        }

        private Future<RecordMetadata> retry(ConsumerRecord<String, byte[]> record, ItemFailure failure, int attempt) {
            ProducerRecord<String, byte[]> out = forward(retryTopic, record, failure, attempt + 1);
            RecordHeaders.put(out.headers(), RecordHeaders.NOT_BEFORE,
                    System.currentTimeMillis() + retryPolicy.delayAfter(attempt).toMillis());
            return producer.send(out);
        }

        private Future<RecordMetadata> deadLetter(ConsumerRecord<String, byte[]> record, ItemFailure failure, int attempt) {
            deadLettered.mark();
            ProducerRecord<String, byte[]> out = forward(deadLetterTopic, record, failure, attempt);
            out.headers().remove(RecordHeaders.NOT_BEFORE);
            return producer.send(out);
        }

        /** The record with its key and value unchanged, its headers carried, and why it moves on. */
        private ProducerRecord<String, byte[]> forward(String topic, ConsumerRecord<String, byte[]> record, ItemFailure failure,
                int attempt) {
            ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers());
            Headers h = out.headers();
            if (h.lastHeader(RecordHeaders.ORIGIN_TOPIC) == null) {
                RecordHeaders.put(h, RecordHeaders.ORIGIN_TOPIC, record.topic());
                RecordHeaders.put(h, RecordHeaders.ORIGIN_PARTITION, record.partition());
                RecordHeaders.put(h, RecordHeaders.ORIGIN_OFFSET, record.offset());
                RecordHeaders.put(h, RecordHeaders.FIRST_FAILURE, System.currentTimeMillis());
            }
            if (h.lastHeader(RecordHeaders.REPLAY_COUNT) == null) {
                RecordHeaders.put(h, RecordHeaders.REPLAY_COUNT, 0);
            }
            RecordHeaders.put(h, RecordHeaders.STAGE, handler.stage());
            RecordHeaders.put(h, RecordHeaders.ERROR_CLASS, failure.errorClass());
            RecordHeaders.put(h, RecordHeaders.ERROR_CODE, failure.code());
            RecordHeaders.put(h, RecordHeaders.ERROR_MESSAGE, failure.getMessage());
            RecordHeaders.put(h, RecordHeaders.ATTEMPT, attempt);
            return out;
        }

        /** Goes back to the first record of the failed batch in each partition. */
        private void rewind(ConsumerRecords<String, byte[]> records) {
            for (TopicPartition tp : records.partitions()) {
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, records.records(tp).get(0).offset());
                }
            }
        }
    }

    /** The attempt this delivery is: 1 on the products topic, as recorded on retry records. */
    private static int attemptOf(ConsumerRecord<String, byte[]> record) {
        return (int) RecordHeaders.number(record.headers(), RecordHeaders.ATTEMPT, 1);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
