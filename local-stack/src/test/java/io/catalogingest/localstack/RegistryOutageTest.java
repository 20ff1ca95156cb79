package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.devstack.TcpRelay;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

/**
 * The schema registry gone while the workers have work, and the worker process restarted during
 * the outage, so it has no schema cached: every record it reads or writes needs the registry. Both
 * a small upload (products committed with it) and a spooled one (split by the workers) wait,
 * nothing is dead-lettered or spends an attempt, and both reach DONE once the registry is back.
 */
class RegistryOutageTest {
    private static final SchemaRegistryClient REGISTRY = new SchemaRegistryClient(Pipeline.infra().registry.url());

    @Test
    void aRegistryOutageAcrossAWorkerRestartDelaysButDeadLettersNothing() throws Exception {
        LocalStack stack = Pipeline.stack();
        String merchant = "m-registry-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Registry outage");
        URI registry = URI.create(Pipeline.infra().registry.url());
        Path log = Files.createTempFile("workers-registry", ".log");
        try (TcpRelay relay = new TcpRelay(registry.getPort())) {
            Map<String, String> settings = WorkerProcess.settingsForKills(stack, Map.of("kafka.schemaRegistryUrl",
                    registry.toString().replace(":" + registry.getPort(), ":" + relay.port())));
            relay.refuse();
            stack.stopWorkers();
            WorkerProcess worker = WorkerProcess.start(settings, log);
            List<String> statusUrls;
            try {
                // Accepted by the stack's ingest API, which reaches the registry directly.
                String small = upload(key, catalog(merchant, "S", 40));
                String spooled = upload(key, catalog(merchant, "L", 5_000)); // over the inline limit: split by the workers
                statusUrls = List.of(small, spooled);

                awaitRefused(relay, 10);
                worker.kill();
                worker = WorkerProcess.start(settings, log);
                awaitRefused(relay, relay.refusedConnections() + 10);

                for (String url : statusUrls) {
                    JsonNode during = Pipeline.get(url, key).body();
                    assertThat(during.path("stages").path("catalog").path("succeeded").asInt()).as("catalog during the outage").isZero();
                    assertThat(during.path("failed").asInt()).isZero();
                }
                assertThat(ofMerchant(Topics.retryTiers(Stage.CATALOG), merchant) + ofMerchant(Topics.retryTiers(Stage.IMAGES), merchant))
                        .as("attempts spent during the outage").isZero();
                relay.restore();

                for (String url : statusUrls) {
                    JsonNode done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                            .until(() -> Pipeline.get(url, key).body(), s -> "DONE".equals(s.path("status").asText()));
                    int items = done.path("totalItems").asInt();
                    assertThat(items).isPositive();
                    assertThat(done.path("succeeded").asInt()).isEqualTo(items);
                    assertThat(done.path("failed").asInt()).isZero();
                }
            } finally {
                worker.kill();
                stack.startWorkers();
            }
        }
        assertThat(ofMerchant(List.of(Topics.deadLetter(Stage.CATALOG), Topics.deadLetter(Stage.IMAGES)), merchant))
                .as("dead letters").isZero();
        int rows = Pipeline.stack().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM products WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(5_040);
    }

    /** Waits until the workers have tried the registry {@code count} times in all (held there by the outage). */
    private static void awaitRefused(TcpRelay relay, long count) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> relay.refusedConnections() >= count);
    }

    private static String catalog(String merchant, String prefix, int items) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < items; i++) {
            body.append("{\"sku\":\"").append(prefix).append('-').append(i).append("\",\"title\":\"a title long enough to make the body spooled ").append(i)
                    .append("\",\"price\":1,\"currency\":\"EUR\"");
            if (i % 20 == 0) {
                body.append(",\"images\":[\"").append(Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + prefix + i)).append("\"]");
            }
            body.append("}\n");
        }
        return body.toString();
    }

    private static String upload(String key, String ndjson) {
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), key, "application/x-ndjson", ndjson.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(202);
        return r.body().path("statusUrl").asText();
    }

    /** Products of the merchant on any of the topics. */
    private static long ofMerchant(List<String> topics, String merchant) {
        AvroDeserializer<ProductSubmitted> products = new AvroDeserializer<>(REGISTRY, ProductSubmitted.class);
        return topics.stream().flatMap(t -> TopicReader.readCommitted(t).stream())
                .filter(r -> products.deserialize(r.topic(), r.value()).getMerchantId().equals(merchant)).count();
    }
}
