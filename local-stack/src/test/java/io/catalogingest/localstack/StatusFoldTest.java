package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The status fold on hand-made records through the real broker: duplicates, outcomes out of
 * order, outcomes before their upload, a replayed failure that succeeds; and what the REST API
 * makes of the result (counts, list, failed items, report, ETag, cancel refused once started).
 */
class StatusFoldTest {
    private static final KafkaProducer<String, byte[]> PRODUCER = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    private static final AvroSerializer<SpecificRecord> AVRO = new AvroSerializer<>(new SchemaRegistryClient(Pipeline.infra().registry.url()));

    private final String uploadId = UUID.randomUUID().toString();
    private final Instant t0 = Instant.now().minusSeconds(60);

    @AfterAll
    static void close() {
        PRODUCER.close();
    }

    private void send(String topic, SpecificRecord value) throws Exception {
        PRODUCER.send(new ProducerRecord<>(topic, uploadId, AVRO.serialize(topic, value))).get(10, TimeUnit.SECONDS);
    }

    private void outcome(int item, Stage stage, Outcome outcome, int secondsAfterStart) throws Exception {
        send(Topics.RESULTS, ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(item).setSku("sku-" + item).setStage(stage)
                .setOutcome(outcome).setErrorCode(outcome == Outcome.FAILED ? "BROKEN" : null)
                .setErrorMessage(outcome == Outcome.FAILED ? "item " + item + " broke" : null)
                .setProcessedAt(t0.plusSeconds(secondsAfterStart)).build());
    }

    private JsonNode awaitStatus(String url, String key, Predicate<JsonNode> until) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Pipeline.get(url, key).body(), until);
    }

    @Test
    void duplicatesReorderingAndEarlyOutcomesGiveExactCounts() throws Exception {
        String merchant = "m-fold-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "Fold");
        String url = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;

        // Outcomes before their upload: counted once it arrives. Duplicates change nothing.
        for (int i = 0; i < 3; i++) {
            outcome(0, Stage.CATALOG, Outcome.SUCCEEDED, 1);
        }
        outcome(0, Stage.IMAGES, Outcome.FAILED, 2);
        send(Topics.UPLOADS, new UploadAccepted(uploadId, merchant, 4, 0, t0, null));
        outcome(1, Stage.IMAGES, Outcome.SUCCEEDED, 3);
        outcome(1, Stage.CATALOG, Outcome.SUCCEEDED, 4);
        outcome(1, Stage.CATALOG, Outcome.SUCCEEDED, 4);
        // Out of order: the later failure stays, the older success arriving after it does not replace it.
        outcome(2, Stage.CATALOG, Outcome.FAILED, 10);
        outcome(2, Stage.CATALOG, Outcome.SUCCEEDED, 5);
        outcome(2, Stage.IMAGES, Outcome.SUCCEEDED, 6);

        JsonNode partial = awaitStatus(url, key, s -> s.path("succeeded").asInt() + s.path("failed").asInt() == 3);
        assertThat(partial.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(partial.path("succeeded").asInt()).isEqualTo(1);
        assertThat(partial.path("failed").asInt()).isEqualTo(2);
        assertThat(partial.path("pending").asInt()).isEqualTo(1);
        assertThat(partial.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(2);
        assertThat(partial.path("stages").path("catalog").path("failed").asInt()).isEqualTo(1);
        assertThat(partial.path("stages").path("images").path("failed").asInt()).isEqualTo(1);

        // A replayed failure that now succeeds replaces the failure; the last item finishes the upload.
        outcome(0, Stage.IMAGES, Outcome.SUCCEEDED, 20);
        outcome(3, Stage.CATALOG, Outcome.SUCCEEDED, 21);
        outcome(3, Stage.IMAGES, Outcome.SUCCEEDED, 22);
        outcome(3, Stage.IMAGES, Outcome.SUCCEEDED, 22);
        JsonNode done = awaitStatus(url, key, s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("failed").asInt()).isEqualTo(1);
        assertThat(done.path("stages").path("images").path("failed").asInt()).isZero();
        assertThat(Instant.parse(done.path("completedAt").asText())).isEqualTo(t0.plusSeconds(22).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        Pipeline.Reply first = Pipeline.get(url, key);
        String etag = first.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(first.raw().headers().firstValue("Retry-After")).isEmpty();
        assertThat(Pipeline.get(url, key, "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(Pipeline.get(url, key, "If-None-Match", "\"other\"").status()).isEqualTo(200);

        JsonNode failed = Pipeline.get(url + "/items?outcome=FAILED", key).body();
        assertThat(failed.path("items")).hasSize(1);
        assertThat(failed.path("items").get(0).path("itemIndex").asInt()).isEqualTo(2);
        assertThat(failed.path("items").get(0).path("stage").asText()).isEqualTo("CATALOG");
        assertThat(failed.path("items").get(0).path("code").asText()).isEqualTo("BROKEN");

        JsonNode paged = Pipeline.get(url + "/items?limit=3", key).body();
        assertThat(paged.path("items")).hasSize(4); // whole items: item 1's two stages stay together
        assertThat(paged.path("nextCursor").asText()).isEqualTo("2");
        assertThat(Pipeline.get(url + "/items?cursor=" + paged.path("nextCursor").asText(), key).body().path("items")).hasSize(4);

        Pipeline.Reply report = Pipeline.get(url + "/report", key);
        assertThat(report.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> lines = report.raw().body().lines().map(l -> {
            try {
                return Pipeline.JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(lines).hasSize(8);
        assertThat(lines).extracting(l -> l.path("itemIndex").asInt()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);

        JsonNode list = Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?status=DONE", key).body();
        assertThat(list.path("uploads")).hasSize(1);
        assertThat(list.path("uploads").get(0).path("uploadId").asText()).isEqualTo(uploadId);

        Pipeline.Reply cancel = Pipeline.post(url + "/cancel", key);
        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.body().path("code").asText()).isEqualTo("UPLOAD_NOT_CANCELLABLE");

        String admin = io.catalogingest.common.auth.MerchantAuth.createMerchantWithKey(Pipeline.stack().jdbi(),
                "ops-" + uploadId.substring(0, 8), "Operators", io.catalogingest.common.auth.Merchant.ADMIN);
        assertThat(Pipeline.get(url, admin).body()).isEqualTo(Pipeline.get(url, key).body());
        assertThat(Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?merchant=" + merchant, admin).body().path("uploads"))
                .extracting(u -> u.path("uploadId").asText()).containsExactly(uploadId);

        String stranger = Pipeline.stack().createMerchant("m-stranger-" + uploadId.substring(0, 8), "Stranger");
        for (String path : List.of("", "/items", "/report")) {
            assertThat(Pipeline.get(url + path, stranger).status()).as(path).isEqualTo(404);
        }
        assertThat(Pipeline.post(url + "/cancel", stranger).status()).isEqualTo(404);
        assertThat(Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?merchant=" + merchant, stranger).body().path("uploads"))
                .as("a merchant's list is its own, whatever it asks for").isEmpty();
    }

    @Test
    void aMerchantsUploadsAreListedNewestFirstInPages() throws Exception {
        String merchant = "m-list-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "List");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(0, id);
            PRODUCER.send(new ProducerRecord<>(Topics.UPLOADS, id,
                    AVRO.serialize(Topics.UPLOADS, new UploadAccepted(id, merchant, 1, 0, t0.plusSeconds(i), null)))).get(10, TimeUnit.SECONDS);
        }
        String base = Pipeline.stack().statusUrl() + "/v1/uploads";
        await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(base + "?limit=10", key).body().path("uploads").size() == 5);
        JsonNode first = Pipeline.get(base + "?limit=2", key).body();
        JsonNode second = Pipeline.get(base + "?limit=2&cursor=" + first.path("nextCursor").asText(), key).body();
        JsonNode third = Pipeline.get(base + "?limit=2&cursor=" + second.path("nextCursor").asText(), key).body();
        List<String> listed = new java.util.ArrayList<>();
        for (JsonNode page : List.of(first, second, third)) {
            page.path("uploads").forEach(u -> listed.add(u.path("uploadId").asText()));
        }
        assertThat(listed).containsExactlyElementsOf(ids);
        assertThat(third.path("nextCursor").isNull()).isTrue();
        assertThat(Pipeline.get(base + "?status=IN_QUEUE&limit=10", key).body().path("uploads")).hasSize(5);
        assertThat(Pipeline.get(base + "?status=DONE", key).body().path("uploads")).isEmpty();
        assertThat(Pipeline.get(base + "?status=SOMETIMES", key).status()).isEqualTo(400);
    }
}
