package io.catalogingest.common.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.metrics.KafkaClientMetrics;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import jakarta.validation.constraints.NotEmpty;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.JmxReporter;

/**
 * Kafka and schema registry settings from a service's YAML. Client properties that the pipeline's
 * guarantees depend on (acks, idempotence, read_committed, manual commits) are set here and cannot
 * be weakened by {@code properties}; everything else can be tuned there.
 */
public class KafkaFactory {
    @NotEmpty
    @JsonProperty
    private String bootstrapServers = "127.0.0.1:9092";

    @NotEmpty
    @JsonProperty
    private String schemaRegistryUrl = "http://127.0.0.1:8081/apis/ccompat/v7";

    /** Extra client properties, e.g. security settings or batching. */
    @JsonProperty
    private Map<String, String> properties = new HashMap<>();

    private SchemaRegistryClient registry;

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getSchemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public void setSchemaRegistryUrl(String schemaRegistryUrl) {
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public Map<String, String> getProperties() {
        return properties;
    }

    /** One registry client per service, so every serde shares its cache. */
    public synchronized SchemaRegistryClient registry() {
        if (registry == null) {
            registry = new SchemaRegistryClient(schemaRegistryUrl);
        }
        return registry;
    }

    public Properties common(String clientId) {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        // Every client's own metrics reach the Prometheus endpoint, next to the configured reporters
        // (by default JMX, which Kafka installs only while metric.reporters is unset).
        String reporters = p.getProperty(AdminClientConfig.METRIC_REPORTER_CLASSES_CONFIG, JmxReporter.class.getName());
        p.put(AdminClientConfig.METRIC_REPORTER_CLASSES_CONFIG,
                (reporters.isBlank() ? "" : reporters + ",") + KafkaClientMetrics.class.getName());
        return p;
    }

    /** Durable writes: every acknowledged record is on all in-sync replicas, without duplicates. */
    public Properties producer(String clientId) {
        Properties p = common(clientId);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    public Properties transactionalProducer(String transactionalId) {
        Properties p = producer(transactionalId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return p;
    }

    /** Sees only committed transactions; offsets are committed by the application after its work. */
    public Properties consumer(String groupId, String clientId) {
        Properties p = common(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
