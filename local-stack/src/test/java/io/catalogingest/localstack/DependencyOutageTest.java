package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.catalogingest.devstack.TcpRelay;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL or the object store gone for 20 seconds in the middle of an upload: the pools pause
 * instead of spending attempts, nothing reaches a dead-letter topic, and everything completes once
 * the dependency is back.
 */
class DependencyOutageTest {
    private static final int ITEMS = 1500;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void aDatabaseOutageDelaysButLosesAndDeadLettersNothing() throws Exception {
        survives(Pipeline.infra().databaseRelay, "db");
    }

    @Test
    void anObjectStoreOutageDelaysButLosesAndDeadLettersNothing() throws Exception {
        survives(Pipeline.infra().s3Relay, "s3");
    }

    private static void survives(TcpRelay dependency, String name) throws Exception {
        String merchant = "m-outage-" + name + "-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Outage");
        ArrayNode body = Pipeline.JSON.createArrayNode();
        for (int i = 0; i < ITEMS; i++) {
            // Slow images keep the image pool busy through the outage.
            body.addObject().put("sku", "O-" + i).put("title", "T" + i).put("price", 1).put("currency", "EUR")
                    .putArray("images").add(Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i) + "?latencyMs=100");
        }
        Pipeline.Reply accepted = Pipeline.upload(key, "application/json", body.toString());
        assertThat(accepted.status()).isEqualTo(202);
        String uploadId = accepted.body().path("uploadId").asText();

        dependency.cut();
        try {
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            dependency.restore();
        }

        String statusUrl = accepted.body().path("statusUrl").asText();
        JsonNode done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(deadLettered(uploadId)).isZero();
        int rows = Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM product_images WHERE merchant_id = :m").bind("m", merchant).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(ITEMS);
    }

    private static long deadLettered(String uploadId) {
        AvroDeserializer<ProductSubmitted> products = new AvroDeserializer<>(
                new SchemaRegistryClient(Pipeline.infra().registry.url()), ProductSubmitted.class);
        long count = 0;
        for (Stage stage : new Stage[] {Stage.CATALOG, Stage.IMAGES}) {
            String topic = Topics.deadLetter(stage);
            count += TopicReader.readCommitted(topic).stream()
                    .filter(r -> products.deserialize(topic, r.value()).getUploadId().equals(uploadId)).count();
        }
        return count;
    }
}
