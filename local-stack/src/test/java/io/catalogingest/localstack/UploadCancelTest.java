package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

/**
 * An upload cancelled while queued (its items held back: the workers are stopped): the cancel
 * answers 202 with the current view, the fold makes it CANCELLED, and once the workers run again
 * they skip every item of it: nothing is written, every item is reported skipped in both stages
 * (and listed FAILED with UPLOAD_CANCELLED), nothing is dead-lettered, and the upload stays CANCELLED.
 */
class UploadCancelTest {
    private static final int ITEMS = 10;

    private static String catalog(String skuPrefix, int items) {
        return Pipeline.catalog(skuPrefix, items, i -> Pipeline.infra().imageOrigin.imageUrl(skuPrefix + "-" + i));
    }

    @Test
    void cancellingAQueuedUploadSkipsAllItsItems() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String merchant = "m-cancel-" + run;
        String key = Pipeline.stack().createMerchant(merchant, "Cancel");
        String cancelled;
        String statusUrl;
        Pipeline.stack().stopWorkers();
        try {
            Pipeline.Reply accepted = Pipeline.upload(key, "application/json", catalog(run + "-c", ITEMS));
            assertThat(accepted.status()).isEqualTo(202);
            cancelled = accepted.body().path("uploadId").asText();
            statusUrl = accepted.body().path("statusUrl").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(statusUrl, key).status() == 200);
            JsonNode queued = Pipeline.get(statusUrl, key).body();
            assertThat(queued.path("status").asText()).isEqualTo("IN_QUEUE");

            // 202 with the view as it is now: the fold, not the request, decides.
            Pipeline.Reply cancel = Pipeline.post(statusUrl + "/cancel", key);
            assertThat(cancel.status()).isEqualTo(202);
            assertThat(cancel.body().path("status").asText()).isEqualTo("IN_QUEUE");
            assertThat(cancel.body().hasNonNull("cancelledAt")).isFalse();
            assertThat(cancel.raw().headers().firstValue("Retry-After")).isPresent();

            // Nothing of it was processed (the workers are stopped), so the fold takes the cancel.
            JsonNode status = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Pipeline.get(statusUrl, key).body(), s -> "CANCELLED".equals(s.path("status").asText()));
            Instant cancelledAt = Instant.parse(status.path("cancelledAt").asText());
            assertThat(cancelledAt).as("the fold's clock").isAfterOrEqualTo(Instant.parse(queued.path("acceptedAt").asText()))
                    .isBeforeOrEqualTo(Instant.now());
            assertThat(Pipeline.get(statusUrl, key).raw().headers().firstValue("Retry-After")).isEmpty();
            Pipeline.Reply again = Pipeline.post(statusUrl + "/cancel", key);
            assertThat(again.status()).as("cancel again").isEqualTo(200);
            assertThat(again.body().path("status").asText()).isEqualTo("CANCELLED");
        } finally {
            Pipeline.stack().startWorkers();
        }

        // The workers skip every item of it and report them as skipped, in both stages, and nothing else.
        Set<Integer> all = IntStream.range(0, ITEMS).boxed().collect(Collectors.toSet());
        Map<Stage, TopicReader.StageOutcomes> reported = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> TopicReader.outcomes(cancelled), o -> o.get(Stage.CATALOG).skipped().equals(all)
                        && o.get(Stage.IMAGES).skipped().equals(all));
        for (Stage stage : Stage.values()) {
            assertThat(reported.get(stage).succeeded()).as("%s succeeded", stage).isEmpty();
            assertThat(reported.get(stage).failures()).as("%s failures", stage).isEmpty();
        }
        assertThat(reported.get(Stage.VALIDATION).isEmpty()).isTrue();

        // The fold lists the skipped items as FAILED with UPLOAD_CANCELLED, and the upload stays CANCELLED.
        JsonNode items = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Pipeline.get(statusUrl + "/items", key).body().path("items"), i -> i.size() == 2 * ITEMS);
        assertThat(items).allSatisfy(item -> {
            assertThat(item.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(item.path("code").asText()).isEqualTo("UPLOAD_CANCELLED");
            assertThat(item.hasNonNull("sku")).isFalse();
            assertThat(item.hasNonNull("attempt")).isFalse();
        });
        assertThat(items).extracting(i -> i.path("stage").asText() + "/" + i.path("itemIndex").asInt())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, ITEMS).boxed()
                        .flatMap(i -> java.util.stream.Stream.of("CATALOG/" + i, "IMAGES/" + i)).toList());
        assertThat(Pipeline.get(statusUrl, key).body().path("status").asText()).isEqualTo("CANCELLED");

        // Skipped, not failed: nothing of it is retried or dead-lettered, nothing is written.
        for (Stage stage : new Stage[] {Stage.CATALOG, Stage.IMAGES}) {
            assertThat(ofUpload(Topics.deadLetter(stage), cancelled)).as("%s dead letters", stage).isZero();
            assertThat(ofUpload(Topics.retry(stage), cancelled)).as("%s retries", stage).isZero();
        }
        int rows = Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM products WHERE merchant_id = :m AND sku LIKE :prefix")
                .bind("m", merchant).bind("prefix", run + "-c-%").mapTo(Integer.class).one());
        assertThat(rows).isZero();

        // A later upload goes through.
        Pipeline.Reply later = Pipeline.upload(key, "application/json", catalog(run + "-l", ITEMS));
        String laterUrl = later.body().path("statusUrl").asText();
        JsonNode done = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> Pipeline.get(laterUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
        JsonNode list = Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?status=CANCELLED", key).body();
        assertThat(list.path("uploads")).extracting(u -> u.path("uploadId").asText()).containsExactly(cancelled);
    }

    /** Products of the upload on a retry or dead-letter topic. */
    private static long ofUpload(String topic, String uploadId) {
        var products = new AvroDeserializer<>(new SchemaRegistryClient(Pipeline.infra().registry.url()), ProductSubmitted.class);
        return TopicReader.readCommitted(topic).stream()
                .filter(r -> products.deserialize(topic, r.value()).getUploadId().equals(uploadId)).count();
    }
}
