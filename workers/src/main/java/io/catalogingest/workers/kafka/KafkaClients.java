package io.catalogingest.workers.kafka;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
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
            public SchemaRegistry registry() {
                return kafka.registry();
            }
        };
    }
}
