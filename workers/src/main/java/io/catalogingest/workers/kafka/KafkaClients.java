package io.catalogingest.workers.kafka;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where a pool gets its Kafka clients and schema registry: from the service's configuration
 * ({@link #of}), or from test doubles, so that the pools' logic runs without a broker.
 */
public interface KafkaClients {
    Consumer<String, byte[]> consumer(String groupId, String clientId, int maxPollRecords);

    Producer<String, byte[]> producer(String clientId);

    /** A producer whose records and consumer offsets commit together; {@code initTransactions} is the caller's. */
    Producer<String, byte[]> transactionalProducer(String transactionalId);

    SchemaRegistry registry();

    static KafkaClients of(KafkaFactory kafka) {
        return new KafkaClients() {
            @Override
            public Consumer<String, byte[]> consumer(String groupId, String clientId, int maxPollRecords) {
                var props = kafka.consumer(groupId, clientId);
                props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
                return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            }

            @Override
            public Producer<String, byte[]> producer(String clientId) {
                return new KafkaProducer<>(kafka.producer(clientId), new StringSerializer(), new ByteArraySerializer());
            }

            @Override
            public Producer<String, byte[]> transactionalProducer(String transactionalId) {
                var props = kafka.transactionalProducer(transactionalId);
                // An open transaction holds back every read_committed consumer of its partitions: one
                // left by a killed process that does not come back is aborted by the broker after this.
                props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
                return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
            }

            @Override
            public SchemaRegistry registry() {
                return kafka.registry();
            }
        };
    }
}
