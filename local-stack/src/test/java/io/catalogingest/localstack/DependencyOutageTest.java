package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.devstack.TcpRelay;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL or the object store gone in the middle of an upload: the pools pause instead of
 * spending attempts, nothing reaches a dead-letter topic, and everything completes once the
 * dependency is back. The outage lasts until the pools have reported more dependency faults than
 * an item has attempts, so an item that spent attempts on them would have been dead-lettered.
 */
class DependencyOutageTest {
    private static final int ITEMS = 300;
    private static final SchemaRegistryClient REGISTRY = new SchemaRegistryClient(Pipeline.infra().registry.url());
    private static String directIngestUrl;

    /** An ingest API that reaches PostgreSQL directly, so uploads are accepted while the relay is cut. */
    @BeforeAll
    static void directIngest() throws Exception {
        directIngestUrl = Pipeline.stack().startExtraIngestApi("ingest-direct-db",
                Map.of("database.url", Pipeline.infra().database.jdbcUrl()));
    }

    @Test
    void aDatabaseOutageDelaysButLosesAndDeadLettersNothing() throws Exception {
        survives(Pipeline.infra().databaseRelay, "db", List.of(Stage.CATALOG, Stage.IMAGES));
    }

    @Test
    void anObjectStoreOutageDelaysButLosesAndDeadLettersNothing() throws Exception {
        survives(Pipeline.infra().s3Relay, "s3", List.of(Stage.IMAGES));
    }

    private static void survives(TcpRelay dependency, String name, List<Stage> heldStages) throws Exception {
        String merchant = "m-outage-" + name + "-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Outage");
        String body = Pipeline.catalog("O", ITEMS, i -> Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i));
        String uploadId;
        Map<Stage, Long> faultsBefore = faults(heldStages);
        dependency.cut();
        try {
            Pipeline.Reply accepted = Pipeline.upload(directIngestUrl + "/v1/uploads", key, "application/json",
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(accepted.status()).isEqualTo(202);
            uploadId = accepted.body().path("uploadId").asText();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> faults(heldStages),
                    now -> heldStages.stream().allMatch(s -> now.get(s) > faultsBefore.get(s) + maxAttempts(s)));
            // Still cut: the held stages reported nothing for the upload and spent no attempt on it
            // (a spent attempt goes through the retry topic, the last one to the dead-letter topic).
            Map<Stage, TopicReader.StageOutcomes> during = TopicReader.outcomes(uploadId);
            for (Stage stage : heldStages) {
                assertThat(during.get(stage).isEmpty()).as("%s outcomes during the outage: %s", stage, during.get(stage)).isTrue();
                assertThat(ofUpload(Topics.retry(stage), uploadId)).as("%s retries during the outage", stage).isZero();
            }
            assertThat(deadLettered(uploadId)).isZero();
        } finally {
            dependency.restore();
        }

        String statusUrl = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;
        JsonNode done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(deadLettered(uploadId)).isZero();
        // The reported sets are exact: every item succeeded once per stage, nothing failed or was skipped.
        Set<Integer> all = IntStream.range(0, ITEMS).boxed().collect(Collectors.toSet());
        Map<Stage, TopicReader.StageOutcomes> reported = TopicReader.outcomes(uploadId);
        for (Stage stage : List.of(Stage.CATALOG, Stage.IMAGES)) {
            assertThat(reported.get(stage).succeeded()).as("%s succeeded", stage).isEqualTo(all);
            assertThat(reported.get(stage).failures()).as("%s failures", stage).isEmpty();
            assertThat(reported.get(stage).skipped()).as("%s skipped", stage).isEmpty();
        }
        assertThat(reported.get(Stage.VALIDATION).isEmpty()).isTrue();
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(ITEMS);
        int rows = Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM product_images WHERE merchant_id = :m").bind("m", merchant).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(ITEMS);
    }

    /** Faults the workers counted that failed a whole record or batch (no attempt spent), per stage. */
    private static Map<Stage, Long> faults(List<Stage> stages) {
        JsonNode meters = Pipeline.get(Pipeline.stack().adminUrl("workers") + "/metrics", "").body().path("meters");
        return stages.stream().collect(java.util.stream.Collectors.toMap(s -> s, s -> meters
                .path("stage." + (s == Stage.CATALOG ? ConsumerGroups.CATALOG_WRITER : ConsumerGroups.IMAGE_WORKER)
                        + ".dependency-faults").path("count").asLong()));
    }

    private static int maxAttempts(Stage stage) {
        return Integer.parseInt(Pipeline.WORKER_SETTINGS.get(stage.name().toLowerCase(java.util.Locale.ROOT) + ".maxAttempts"));
    }

    private static long deadLettered(String uploadId) {
        return ofUpload(Topics.deadLetter(Stage.CATALOG), uploadId) + ofUpload(Topics.deadLetter(Stage.IMAGES), uploadId);
    }

    /** Products of the upload on a retry or dead-letter topic. */
    private static long ofUpload(String topic, String uploadId) {
        AvroDeserializer<ProductSubmitted> products = new AvroDeserializer<>(REGISTRY, ProductSubmitted.class);
        return TopicReader.readCommitted(topic).stream()
                .filter(r -> products.deserialize(topic, r.value()).getUploadId().equals(uploadId)).count();
    }
}
