package io.catalogingest.ops.dlq;

import java.util.Map;
import java.util.function.Predicate;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.ops.kafka.TopicScan;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.serde.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Reads a dead-letter topic up to the end it had when opened ({@link TopicScan}), each record with its product. */
public final class DeadLetterScan implements AutoCloseable {
    private final TopicScan scan;
    private final AvroDeserializer<ProductSubmitted> products;

    public DeadLetterScan(KafkaFactory kafka, String topic) {
        this.scan = new TopicScan(kafka, topic);
        this.products = new AvroDeserializer<>(kafka.registry(), ProductSubmitted.class);
    }

    public String topic() {
        return scan.topic();
    }

    public Map<TopicPartition, Long> beginning() {
        return scan.beginning();
    }

    public Map<TopicPartition, Long> end() {
        return scan.end();
    }

    /** Visits every dead letter from {@code from} (absent partitions: their beginning) until the visitor answers false. */
    public void scan(Map<TopicPartition, Long> from, Predicate<DeadLetter> visitor) {
        scan.scan(from, record -> visitor.test(DeadLetter.of(record, decode(record))));
    }

    private ProductSubmitted decode(ConsumerRecord<String, byte[]> record) {
        try {
            return products.deserialize(record.topic(), record.value());
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    @Override
    public void close() {
        scan.close();
    }
}
