package io.catalogingest.ops.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.catalogingest.common.kafka.KafkaFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from given offsets up to the end it had when the scan was opened, so a scan ends
 * even while others keep writing. Committed records only; joins no consumer group.
 */
public final class TopicScan implements AutoCloseable {
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> end;

    public TopicScan(KafkaFactory kafka, String topic) {
        this.topic = topic;
        var props = kafka.common("pipelinectl-dlq");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        this.end = consumer.endOffsets(partitions);
    }

    public String topic() {
        return topic;
    }

    public Map<TopicPartition, Long> beginning() {
        return consumer.beginningOffsets(partitions);
    }

    public Map<TopicPartition, Long> end() {
        return Map.copyOf(end);
    }

    /**
     * Visits every record from {@code from} (absent partitions: their beginning) to the end,
     * in partition order per partition, until the visitor answers false.
     */
    public void scan(Map<TopicPartition, Long> from, Predicate<ConsumerRecord<String, byte[]>> visitor) {
        Map<TopicPartition, Long> start = new HashMap<>(beginning());
        from.forEach((tp, offset) -> start.merge(tp, offset, Math::max));
        List<TopicPartition> open = partitions.stream().filter(tp -> start.get(tp) < end.get(tp)).toList();
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, start.get(tp)));
        long lastProgress = System.nanoTime();
        while (!consumer.assignment().isEmpty()) {
            var records = consumer.poll(Duration.ofMillis(500));
            for (ConsumerRecord<String, byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= end.get(tp)) {
                    continue;
                }
                if (!visitor.test(record)) {
                    return;
                }
            }
            List<TopicPartition> remaining = consumer.assignment().stream()
                    .filter(tp -> consumer.position(tp) < end.get(tp)).toList();
            if (!records.isEmpty() || remaining.size() < consumer.assignment().size()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("no progress reading " + topic + " for " + STALL_LIMIT.toSeconds() + " s");
            }
            consumer.assign(remaining);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
