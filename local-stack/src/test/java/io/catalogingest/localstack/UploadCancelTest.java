package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

/** An upload cancelled while queued: the workers skip every item of it, nothing is written or reported. */
class UploadCancelTest {
    private static String catalog(String skuPrefix, int items) {
        return Pipeline.catalog(skuPrefix, items, i -> Pipeline.infra().imageOrigin.imageUrl(skuPrefix + "-" + i));
    }

    @Test
    void cancellingAQueuedUploadSkipsAllItsItems() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String merchant = "m-cancel-" + run;
        String key = Pipeline.stack().createMerchant(merchant, "Cancel");
        String cancelled;
        Pipeline.stack().stopWorkers();
        try {
            Pipeline.Reply accepted = Pipeline.upload(key, "application/json", catalog(run + "-c", 10));
            cancelled = accepted.body().path("uploadId").asText();
            String statusUrl = accepted.body().path("statusUrl").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(statusUrl, key).status() == 200);
            assertThat(Pipeline.get(statusUrl, key).body().path("status").asText()).isEqualTo("IN_QUEUE");

            Pipeline.Reply cancel = Pipeline.post(statusUrl + "/cancel", key);
            assertThat(cancel.status()).isEqualTo(202);
            assertThat(cancel.body().path("status").asText()).isEqualTo("CANCELLED");
            JsonNode status = await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(statusUrl, key).body(),
                    s -> "CANCELLED".equals(s.path("status").asText()));
            assertThat(status.path("cancelledAt").isTextual()).isTrue();
            assertThat(Pipeline.get(statusUrl, key).raw().headers().firstValue("Retry-After")).isEmpty();
            assertThat(Pipeline.post(statusUrl + "/cancel", key).status()).as("cancel again").isEqualTo(200);
        } finally {
            Pipeline.stack().startWorkers();
        }

        // A later upload goes through; by then the workers have passed the cancelled one's records.
        Pipeline.Reply later = Pipeline.upload(key, "application/json", catalog(run + "-l", 10));
        String laterUrl = later.body().path("statusUrl").asText();
        JsonNode done = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> Pipeline.get(laterUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(10);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() ->
                Cli.withKafka("lag", "--group", "catalog-writer", "--group", "image-worker", "--sample", "0s").out()
                        .lines().filter(l -> l.contains("total lag 0,")).count() == 2);

        int rows = Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM products WHERE merchant_id = :m AND sku LIKE :prefix")
                .bind("m", merchant).bind("prefix", run + "-c-%").mapTo(Integer.class).one());
        assertThat(rows).isZero();
        var outcomes = new AvroDeserializer<>(new SchemaRegistryClient(Pipeline.infra().registry.url()), ItemProcessed.class);
        List<ItemProcessed> reported = TopicReader.readCommitted(Topics.RESULTS).stream().filter(r -> r.key().equals(cancelled))
                .map(r -> outcomes.deserialize(Topics.RESULTS, r.value())).toList();
        assertThat(reported).isEmpty();
        JsonNode list = Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?status=CANCELLED", key).body();
        assertThat(list.path("uploads")).extracting(u -> u.path("uploadId").asText()).containsExactly(cancelled);
    }
}
