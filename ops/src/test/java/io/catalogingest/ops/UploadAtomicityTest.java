package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

/** An upload is enqueued whole or not at all; bad input gets a 4xx and leaves nothing on any topic. */
class UploadAtomicityTest {
    private static ArrayNode products(int count, int invalidAt) {
        ArrayNode body = Pipeline.JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            body.addObject().put("sku", "A-" + i).put("title", "T").put("price", 1).put("currency", i == invalidAt ? "euro" : "EUR");
        }
        return body;
    }

    private static boolean anythingEnqueuedFor(String merchant) {
        SchemaRegistryClient registry = new SchemaRegistryClient(Pipeline.infra().registry.url());
        var products = new AvroDeserializer<>(registry, ProductSubmitted.class);
        var uploads = new AvroDeserializer<>(registry, UploadAccepted.class);
        return TopicReader.readCommitted(Topics.PRODUCTS).stream()
                        .anyMatch(r -> merchant.equals(products.deserialize(Topics.PRODUCTS, r.value()).getMerchantId()))
                || TopicReader.readCommitted(Topics.UPLOADS).stream()
                        .anyMatch(r -> merchant.equals(uploads.deserialize(Topics.UPLOADS, r.value()).getMerchantId()));
    }

    @Test
    void anInvalidItemHalfWayRefusesTheWholeUploadWithItsIndex() {
        String merchant = "m-atomic-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Atomic");

        Pipeline.Reply refused = Pipeline.upload(key, "application/json", products(1000, 500).toString());

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body().path("code").asText()).isEqualTo("INVALID_ITEMS");
        assertThat(refused.body().path("errors").get(0).path("index").asInt()).isEqualTo(500);
        assertThat(refused.body().path("errors").get(0).path("code").asText()).isEqualTo("CURRENCY_INVALID");
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
