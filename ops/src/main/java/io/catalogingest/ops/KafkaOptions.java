package io.catalogingest.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import io.catalogingest.common.kafka.KafkaFactory;
import picocli.CommandLine.Option;

/** How a command reaches Kafka and the schema registry: flags, the config file, the services' environment variables. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry", defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}",
            description = "Confluent-compatible schema registry URL (env SCHEMA_REGISTRY_URL; default ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "Extra Kafka client property, e.g. security.protocol=SSL (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    KafkaFactory factory() {
        KafkaFactory kafka = new KafkaFactory();
        kafka.setBootstrapServers(bootstrapServers);
        kafka.setSchemaRegistryUrl(schemaRegistryUrl);
        kafka.getProperties().putAll(properties);
        return kafka;
    }
}
