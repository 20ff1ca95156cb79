package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Each way an image origin misbehaves ends where it should: permanent faults in the dead-letter
 * topic at once, transient ones retried through the retry topic, and every item with an outcome.
 * All origins are on loopback; the workers allow 127.0.0.1 only, so 127.0.0.2 stands for a
 * private address.
 */
class ImageFailureRoutingTest {
    @Test
    void eachOriginBehaviourIsClassifiedRoutedAndReported() {
        String origin = Pipeline.infra().imageOrigin.baseUrl();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> images = new LinkedHashMap<>();
        images.put("ok", origin + "/images/ok-" + run + ".png");
        images.put("not-found", origin + "/status/404");
        images.put("flaky", origin + "/flaky/flaky-" + run + ".png?failures=3");
        images.put("slow", origin + "/stalled/slow-" + run + ".png");
        images.put("oversize", origin + "/images/big-" + run + ".png?w=400&h=400&noise=true");
        images.put("pixel-bomb", origin + "/images/bomb-" + run + ".png?w=1200&h=1000");
        images.put("not-an-image", origin + "/text/page");
        images.put("frameless-gif", origin + "/frameless.gif");
        images.put("redirect-to-private", origin + "/redirect?to=" + URLEncoder.encode(
                "http://127.0.0.2:" + origin.replaceAll(".*:", "") + "/images/x.png", StandardCharsets.UTF_8));
        images.put("redirect-ok", origin + "/redirect?hops=2");
        images.put("too-many-redirects", origin + "/redirect?hops=5");
        images.put("private-address", "http://10.0.0.1/never-contacted.png".replace("10.0.0.1", "127.0.0.3"));

        String merchant = "m-images-" + run;
        String key = Pipeline.stack().createMerchant(merchant, "Images");
        ArrayNode body = Pipeline.JSON.createArrayNode();
        images.forEach((sku, url) -> body.addObject().put("sku", sku).put("title", sku).put("price", 1).put("currency", "EUR")
                .putArray("images").add(url));
        Pipeline.Reply accepted = Pipeline.upload(key, "application/json", body.toString());
        assertThat(accepted.status()).isEqualTo(202);
        String uploadId = accepted.body().path("uploadId").asText();
        String statusUrl = accepted.body().path("statusUrl").asText();

        JsonNode done = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(images.size());
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("failed").asInt()).isEqualTo(images.size() - 3);

        Map<String, ConsumerRecord<String, byte[]>> deadLetters = bySku(Topics.deadLetter(Stage.IMAGES), uploadId);
        assertThat(deadLetters.keySet()).containsExactlyInAnyOrder("not-found", "slow", "oversize", "pixel-bomb", "not-an-image",
                "frameless-gif", "redirect-to-private", "too-many-redirects", "private-address");
        assertDeadLetter(deadLetters.get("not-found"), "IMAGE_NOT_FOUND", 1);
        assertDeadLetter(deadLetters.get("not-an-image"), "NOT_AN_IMAGE", 1);
        assertDeadLetter(deadLetters.get("frameless-gif"), "IMAGE_UNREADABLE", 1);
        assertDeadLetter(deadLetters.get("oversize"), "IMAGE_TOO_LARGE", 1);
        assertDeadLetter(deadLetters.get("pixel-bomb"), "IMAGE_TOO_MANY_PIXELS", 1);
        assertDeadLetter(deadLetters.get("redirect-to-private"), "IMAGE_ADDRESS_REFUSED", 1);
        assertDeadLetter(deadLetters.get("private-address"), "IMAGE_ADDRESS_REFUSED", 1);
        assertDeadLetter(deadLetters.get("too-many-redirects"), "IMAGE_TOO_MANY_REDIRECTS", 1);
        assertDeadLetter(deadLetters.get("slow"), "IMAGE_TIMEOUT", 3); // transient: every attempt used

        Map<String, ConsumerRecord<String, byte[]>> retries = bySku(Topics.retry(Stage.IMAGES), uploadId);
        assertThat(retries).containsKeys("flaky", "slow").doesNotContainKeys("not-found", "ok");
        assertThat(RecordHeaders.number(retries.get("flaky").headers(), RecordHeaders.ATTEMPT, 0)).isEqualTo(2);

        // The reported outcomes are exact: per stage each item in exactly one of succeeded or
        // failed, nothing skipped, the failures those of the dead letters, the counts the status service's.
        List<String> skus = List.copyOf(images.keySet()); // an item's index is its place in the body
        Map<Stage, TopicReader.StageOutcomes> reported = TopicReader.outcomes(uploadId);
        TopicReader.StageOutcomes catalog = reported.get(Stage.CATALOG);
        assertThat(catalog.succeeded()).isEqualTo(indices(skus, skus));
        assertThat(catalog.failures()).isEmpty();
        assertThat(catalog.skipped()).isEmpty();
        TopicReader.StageOutcomes imageStage = reported.get(Stage.IMAGES);
        assertThat(imageStage.skipped()).isEmpty();
        assertThat(imageStage.succeeded()).isEqualTo(indices(skus, List.of("ok", "flaky", "redirect-ok")));
        assertThat(imageStage.failures().keySet()).isEqualTo(indices(skus, deadLetters.keySet()));
        assertThat(imageStage.failures().keySet()).doesNotContainAnyElementsOf(imageStage.succeeded());
        assertThat(imageStage.succeeded()).hasSize(done.path("stages").path("images").path("succeeded").asInt());
        assertThat(imageStage.failures()).hasSize(done.path("stages").path("images").path("failed").asInt());
        imageStage.failures().forEach((index, failure) -> {
            String sku = skus.get(index);
            ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(sku);
            assertThat(failure.getSku()).isEqualTo(sku);
            assertThat(failure.getErrorCode()).as(sku).isEqualTo(RecordHeaders.string(deadLetter.headers(), RecordHeaders.ERROR_CODE));
            assertThat(failure.getAttempt()).as(sku + " attempt")
                    .isEqualTo((int) RecordHeaders.number(deadLetter.headers(), RecordHeaders.ATTEMPT, 0));
            assertThat(failure.getErrorMessage()).as(sku).isNotBlank();
        });
        assertThat(imageStage.failures().get(skus.indexOf("not-found")).getErrorCode()).isEqualTo("IMAGE_NOT_FOUND");
        assertThat(imageStage.failures().get(skus.indexOf("slow")).getErrorCode()).isEqualTo("IMAGE_TIMEOUT");
        assertThat(imageStage.failures().get(skus.indexOf("slow")).getAttempt()).isEqualTo(3);

        // What the status service lists: a success is a set member (no SKU, no attempt), a failure names both.
        Map<String, JsonNode> imageItems = new HashMap<>();
        Pipeline.get(statusUrl + "/items", key).body().path("items").forEach(item -> {
            if ("IMAGES".equals(item.path("stage").asText())) {
                imageItems.put(skus.get(item.path("itemIndex").asInt()), item);
            }
        });
        assertThat(imageItems).hasSize(images.size());
        JsonNode flaky = imageItems.get("flaky");
        assertThat(flaky.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(flaky.hasNonNull("sku")).as("a success names no SKU").isFalse();
        assertThat(flaky.hasNonNull("attempt")).as("a success names no attempt").isFalse();
        JsonNode slow = imageItems.get("slow");
        assertThat(slow.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(slow.path("sku").asText()).isEqualTo("slow");
        assertThat(slow.path("code").asText()).isEqualTo("IMAGE_TIMEOUT");
        assertThat(slow.path("attempt").asInt()).isEqualTo(3);
    }

    private static Set<Integer> indices(List<String> skus, java.util.Collection<String> of) {
        return of.stream().map(skus::indexOf).collect(Collectors.toSet());
    }

    private static void assertDeadLetter(ConsumerRecord<String, byte[]> record, String code, int attempts) {
        var h = record.headers();
        assertThat(RecordHeaders.string(h, RecordHeaders.ERROR_CODE)).isEqualTo(code);
        assertThat(RecordHeaders.number(h, RecordHeaders.ATTEMPT, 0)).as(code + " attempts").isEqualTo(attempts);
        assertThat(RecordHeaders.string(h, RecordHeaders.ORIGIN_TOPIC)).isEqualTo(Topics.PRODUCTS);
        assertThat(RecordHeaders.string(h, RecordHeaders.STAGE)).isEqualTo("IMAGES");
        assertThat(RecordHeaders.string(h, RecordHeaders.ERROR_CLASS)).isNotBlank();
        assertThat(RecordHeaders.string(h, RecordHeaders.ERROR_MESSAGE)).isNotBlank();
        assertThat(RecordHeaders.number(h, RecordHeaders.ORIGIN_OFFSET, -1)).isNotNegative();
        assertThat(RecordHeaders.number(h, RecordHeaders.FIRST_FAILURE, 0)).isPositive();
        assertThat(RecordHeaders.number(h, RecordHeaders.REPLAY_COUNT, -1)).isZero();
        assertThat(record.key()).startsWith("m-images-");
        assertThat(record.value()[0]).isZero(); // the original value, still in the wire format
    }

    private static Map<String, ConsumerRecord<String, byte[]>> bySku(String topic, String uploadId) {
        AvroDeserializer<ProductSubmitted> products = new AvroDeserializer<>(
                new SchemaRegistryClient(Pipeline.infra().registry.url()), ProductSubmitted.class);
        Map<String, ConsumerRecord<String, byte[]>> out = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readCommitted(topic);
        for (ConsumerRecord<String, byte[]> r : records) {
            ProductSubmitted p = products.deserialize(topic, r.value());
            if (p.getUploadId().equals(uploadId)) {
                out.put(p.getSku(), r);
            }
        }
        return out;
    }
}
