package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of consumers of the products topic in one consumer group, each on its own thread. For
 * every polled batch: apply it, publish its outcomes and wait for their acknowledgement, and only
 * then commit the batch's offsets. A crash anywhere before the commit re-delivers the batch, and
 * the stage's idempotent effects make that harmless (at-least-once in, exactly-once results).
 */
public final class StagePool implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(StagePool.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaFactory kafka;
    private final String groupId;
    private final StageHandler handler;
    private final int consumers;
    private final int maxPollRecords;
    private final List<Worker> workers = new ArrayList<>();
    private Producer<String, ItemProcessed> results;

    public StagePool(KafkaFactory kafka, String groupId, StageHandler handler, int consumers, int maxPollRecords) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.handler = handler;
        this.consumers = consumers;
        this.maxPollRecords = maxPollRecords;
    }

    @Override
    public void start() {
        results = new KafkaProducer<>(kafka.producer(groupId + "-results"), new StringSerializer(),
                new AvroSerializer<>(kafka.registry()));
        for (int i = 0; i < consumers; i++) {
            Worker worker = new Worker(groupId + "-" + i);
            workers.add(worker);
            worker.thread.start();
        }
    }

    @Override
    public void stop() throws InterruptedException {
        workers.forEach(w -> w.consumer.wakeup());
        for (Worker w : workers) {
            w.thread.join(Duration.ofSeconds(30).toMillis());
        }
        results.close(Duration.ofSeconds(10));
    }

    private final class Worker implements Runnable {
        final KafkaConsumer<String, ProductSubmitted> consumer;
        final Thread thread;

        Worker(String clientId) {
            var props = kafka.consumer(groupId, clientId);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
            consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new AvroDeserializer<>(kafka.registry(), ProductSubmitted.class));
            thread = new Thread(this, clientId);
        }

        @Override
        public void run() {
            Duration backoff = Duration.ofMillis(200);
            try (consumer) {
                consumer.subscribe(List.of(Topics.PRODUCTS));
                while (true) {
                    ConsumerRecords<String, ProductSubmitted> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    try {
                        processBatch(records);
                        backoff = Duration.ofMillis(200);
                    } catch (WakeupException e) {
                        throw e;
                    } catch (Exception e) {
                        LOG.warn("{} batch of {} records failed; retrying in {} ms: {}", handler.stage(), records.count(),
                                backoff.toMillis(), e.toString());
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

        private void processBatch(ConsumerRecords<String, ProductSubmitted> records) throws Exception {
            List<ProductSubmitted> batch = new ArrayList<>(records.count());
            records.forEach(r -> batch.add(r.value()));
            List<ItemProcessed> outcomes = handler.process(batch);
            List<Future<RecordMetadata>> acks = new ArrayList<>(outcomes.size());
            for (ItemProcessed outcome : outcomes) {
                acks.add(results.send(new ProducerRecord<>(Topics.RESULTS, outcome.getUploadId(), outcome)));
            }
            results.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            consumer.commitSync(nextOffsets(records));
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} applied {} items of uploads {}", handler.stage(), outcomes.size(),
                        outcomes.stream().map(ItemProcessed::getUploadId).distinct().toList());
            }
        }

        /** Goes back to the first record of the failed batch in each partition. */
        private void rewind(ConsumerRecords<String, ProductSubmitted> records) {
            for (TopicPartition tp : records.partitions()) {
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, records.records(tp).get(0).offset());
                }
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, ProductSubmitted> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, ProductSubmitted>> inPartition = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }
}
