package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

/**
 * An upload is enqueued whole or not at all: refused items are reported one by one, and with
 * all-or-nothing (or a body that cannot be read) nothing of the upload reaches any topic.
 */
class UploadAtomicityTest {
    private static ArrayNode products(int count, int invalidAt) {
        ArrayNode body = Pipeline.JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            body.addObject().put("sku", "A-" + i).put("title", "T").put("price", 1).put("currency", i == invalidAt ? "euro" : "EUR");
        }
        return body;
    }

    private static boolean anythingEnqueuedFor(String merchant) {
        return !TopicReader.products(merchant).isEmpty() || !TopicReader.uploads(merchant).isEmpty();
    }

    @Test
    void anInvalidItemIsRefusedAloneAndReportedAsFailed() {
        String merchant = "m-partial-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Partial");

        Pipeline.Reply accepted = Pipeline.upload(key, "application/json", products(1000, 500).toString());

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().path("acceptedItems").asInt()).isEqualTo(999);
        assertThat(accepted.body().path("refusedItems").asInt()).isEqualTo(1);
        JsonNode error = accepted.body().path("errors").get(0);
        assertThat(error.path("index").asInt()).isEqualTo(500);
        assertThat(error.path("sku").asText()).isEqualTo("A-500");
        assertThat(error.path("code").asText()).isEqualTo("CURRENCY_INVALID");
        assertThat(TopicReader.products(merchant)).hasSize(999).noneMatch(p -> p.getItemIndex() == 500);

        String statusUrl = accepted.body().path("statusUrl").asText();
        JsonNode done = await().atMost(Duration.ofMinutes(2)).until(() -> Pipeline.get(statusUrl, key).body(),
                s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(999);
        assertThat(done.path("failed").asInt()).isEqualTo(1);
        assertThat(done.path("refused").asInt()).isEqualTo(1);
    }

    @Test
    void allOrNothingRefusesTheWholeUploadWithTheItemIndex() {
        String merchant = "m-atomic-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Atomic");

        Pipeline.Reply refused = Pipeline.upload(Pipeline.uploadsUrl() + "?mode=all-or-nothing", key, "application/json",
                products(1000, 500).toString().getBytes());

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body().path("code").asText()).isEqualTo("INVALID_ITEMS");
        assertThat(refused.body().path("errors").get(0).path("index").asInt()).isEqualTo(500);
        assertThat(anythingEnqueuedFor(merchant)).isFalse();
    }

    @Test
    void aBodyCutOffHalfWayIsRefusedWithItsPositionAndLeavesNothing() {
        String merchant = "m-truncated-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Truncated");
        String body = products(200, -1).toString();

        Pipeline.Reply refused = Pipeline.upload(key, "application/json", body.substring(0, body.length() / 2));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("code").asText()).isEqualTo("MALFORMED_BODY");
        assertThat(refused.body().path("detail").asText()).contains("line 1, column");
        assertThat(anythingEnqueuedFor(merchant)).isFalse();
    }

    @Test
    void missingOrUnknownKeysAreUnauthorized() {
        Pipeline.stack();
        for (String key : new String[] {"cik_not-a-key", ""}) {
            Pipeline.Reply refused = Pipeline.upload(key, "application/json", "[]");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.body().path("code").asText()).isEqualTo("UNAUTHORIZED");
        }
    }
}
