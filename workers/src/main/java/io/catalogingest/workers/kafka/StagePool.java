package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of consumers in one consumer group that process whole batches: right for the catalog
 * writer, whose database writes are fastest per batch. For every polled batch: apply it, route
 * every item (see {@link OutcomeRouter}), wait for the acknowledgements, and only then commit the
 * batch's offsets. A crash before the commit re-delivers the batch; the stage's effects are
 * idempotent and the status fold keeps one outcome per item, so that is harmless.
 */
public final class StagePool implements Managed, WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(StagePool.class);

    private final KafkaFactory kafka;
    private final String groupId;
    private final String instanceId;
    private final StageHandler handler;
    private final int consumers;
    private final int maxPollRecords;
    private final RetryPolicy retryPolicy;
    private final MetricRegistry metrics;
    private final String metricPrefix;
    private final Timer batches;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private OutcomeRouter router;

    public StagePool(KafkaFactory kafka, String groupId, String instanceId, StageHandler handler, int consumers,
            int maxPollRecords, RetryPolicy retryPolicy, MetricRegistry metrics) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.handler = handler;
        this.consumers = consumers;
        this.maxPollRecords = maxPollRecords;
        this.retryPolicy = retryPolicy;
        this.metrics = metrics;
        this.metricPrefix = MetricRegistry.name("stage", groupId);
        this.batches = metrics.timer(MetricRegistry.name(metricPrefix, "batch"));
        PoolSupport.registerLag(metrics, metricPrefix, () -> workers.stream().map(w -> w.consumer).toList());
    }

    @Override
    public void start() {
        router = new OutcomeRouter(kafka, handler.stage(), groupId + "-" + instanceId + "-out", retryPolicy, metrics, metricPrefix);
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
        router.close();
    }

    @Override
    public long deadConsumers() {
        return workers.stream().filter(w -> !w.thread.isAlive()).count();
    }

    private final class Worker implements Runnable {
        final KafkaConsumer<String, byte[]> consumer;
        final Thread thread;
        final RetryPauses pauses;

        Worker(String clientId) {
            var props = kafka.consumer(groupId, clientId);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            thread = new Thread(this, clientId);
            pauses = new RetryPauses(consumer, Topics.retry(handler.stage()));
        }

        @Override
        public void run() {
            Duration backoff = PoolSupport.FIRST_BACKOFF;
            try (consumer) {
                consumer.subscribe(List.of(Topics.PRODUCTS, router.retryTopic()), new RebalanceListener(consumer, pauses::forget));
                while (true) {
                    pauses.resumeDue();
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    try (Timer.Context ignored = batches.time()) {
                        processBatch(pauses.due(records));
                        backoff = PoolSupport.FIRST_BACKOFF;
                    } catch (WakeupException | VirtualMachineError e) {
                        throw e;
                    } catch (Exception | Error e) {
                        // A fault of the whole batch (database, object store, Kafka; some drivers throw
                        // AssertionError on a dropped connection) is not the items' fault: no attempt
                        // is counted; wait and take the same records again.
                        LOG.warn("{} batch of {} records failed; pausing {} ms before retrying it: {}", handler.stage(),
                                records.count(), backoff.toMillis(), e.toString());
                        rewind(records);
                        Thread.sleep(backoff.toMillis());
                        backoff = PoolSupport.nextBackoff(backoff);
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

        private void processBatch(List<ConsumerRecord<String, byte[]>> records) throws Exception {
            List<ProductSubmitted> batch = new ArrayList<>(records.size());
            List<ConsumerRecord<String, byte[]>> readable = new ArrayList<>(records.size());
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    batch.add(router.read(r));
                    readable.add(r);
                } catch (RuntimeException unreadable) {
                    acks.add(router.unreadable(r, unreadable));
                }
            }
            List<ItemOutcome> results = batch.isEmpty() ? List.of() : handler.process(batch);
            for (int i = 0; i < results.size(); i++) {
                acks.addAll(router.route(readable.get(i), results.get(i)));
            }
            router.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            if (!records.isEmpty()) {
                consumer.commitSync(nextOffsets(records));
            }
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

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
