package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.localstack.Pipeline.Reply;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One upload through every real component: ingest API, Kafka, both worker pools, PostgreSQL, S3, status. */
class UploadEndToEndTest {
    private static final int ITEMS = 1000;

    @Test
    void aThousandProductsWithTwoImagesEachReachDoneAndAreStoredOnce() throws Exception {
        LocalStack stack = Pipeline.stack();
        String merchant = "m-e2e-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "E2E merchant");
        String otherKey = stack.createMerchant("m-other-" + UUID.randomUUID(), "Another merchant");
        String sharedImage = Pipeline.infra().imageOrigin.imageUrl("brand-" + merchant);

        ArrayNode body = Pipeline.JSON.createArrayNode();
        for (int i = 0; i < ITEMS; i++) {
            ObjectNode p = body.addObject();
            p.put("sku", "SKU-" + i);
            p.put("title", "Product " + i);
            p.put("description", "Description of product " + i);
            p.put("price", new BigDecimal(i + ".99"));
            p.put("currency", i % 2 == 0 ? "EUR" : "USD");
            p.putObject("attributes").put("size", Integer.toString(i % 5));
            p.putArray("images").add(Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i)).add(sharedImage);
        }

        long started = System.nanoTime();
        Reply accepted = Pipeline.upload(key, "application/json", body.toString());
        assertThat(accepted.status()).isEqualTo(202);
        String uploadId = accepted.body().path("uploadId").asText();
        String statusUrl = accepted.body().path("statusUrl").asText();
        assertThat(accepted.body().path("status").asText()).isEqualTo("IN_QUEUE");
        assertThat(accepted.body().path("totalItems").asInt()).isEqualTo(ITEMS);
        assertThat(statusUrl).isEqualTo(stack.statusUrl() + "/v1/uploads/" + uploadId);
        assertThat(accepted.raw().headers().firstValue("Location")).hasValue(statusUrl);

        List<String> seen = new ArrayList<>();
        JsonNode done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Reply r = Pipeline.get(statusUrl, key);
            if (r.status() == 200) {
                String status = r.body().path("status").asText();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                    seen.add(status);
                }
            }
            return r;
        }, r -> r.status() == 200 && "DONE".equals(r.body().path("status").asText())).body();
        System.out.printf("upload of %d items to DONE in %.1f s; statuses seen %s%n", ITEMS,
                (System.nanoTime() - started) / 1e9, seen);

        assertThat(seen).isSubsetOf("IN_QUEUE", "IN_PROGRESS", "DONE").endsWith("DONE");
        assertThat(seen).isSortedAccordingTo((a, b) -> Integer.compare(order(a), order(b)));
        assertThat(done.path("totalItems").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(done.path("pending").asInt()).isZero();
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(ITEMS);

        assertProductsStored(stack, merchant, body);
        assertImagesStoredOnce(stack, merchant, sharedImage);

        Reply foreign = Pipeline.get(statusUrl, otherKey);
        Reply unknown = Pipeline.get(stack.statusUrl() + "/v1/uploads/" + UUID.randomUUID(), key);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(foreign.body().path("code").asText()).isEqualTo(unknown.body().path("code").asText()).isEqualTo("UPLOAD_NOT_FOUND");
    }

    private static int order(String status) {
        return List.of("IN_QUEUE", "IN_PROGRESS", "DONE").indexOf(status);
    }

    private static void assertProductsStored(LocalStack stack, String merchant, ArrayNode submitted) {
        List<Map<String, Object>> rows = stack.jdbi().withHandle(h -> h.createQuery(
                "SELECT sku, title, description, price, currency, attributes::text AS attributes FROM products WHERE merchant_id = :m")
                .bind("m", merchant).mapToMap().list());
        assertThat(rows).hasSize(ITEMS);
        Map<String, Map<String, Object>> bySku = new HashMap<>();
        rows.forEach(r -> bySku.put((String) r.get("sku"), r));
        for (JsonNode p : submitted) {
            Map<String, Object> row = bySku.get(p.path("sku").asText());
            assertThat(row).as(p.path("sku").asText()).isNotNull();
            assertThat(row.get("title")).isEqualTo(p.path("title").asText());
            assertThat(row.get("description")).isEqualTo(p.path("description").asText());
            assertThat((BigDecimal) row.get("price")).isEqualByComparingTo(p.path("price").decimalValue());
            assertThat(row.get("currency")).isEqualTo(p.path("currency").asText());
            assertThat((String) row.get("attributes")).isEqualTo("{\"size\": \"" + p.path("attributes").path("size").asText() + "\"}");
        }
    }

    private static void assertImagesStoredOnce(LocalStack stack, String merchant, String sharedImage) {
        List<Map<String, Object>> images = stack.jdbi().withHandle(h -> h.createQuery(
                "SELECT source_url, object_key, sha256, content_type, width, height FROM product_images WHERE merchant_id = :m")
                .bind("m", merchant).mapToMap().list());
        assertThat(images).hasSize(2 * ITEMS);
        Set<Object> keys = new HashSet<>();
        images.forEach(i -> keys.add(i.get("object_key")));
        assertThat(keys).hasSize(ITEMS + 1); // the shared image's bytes are stored once
        assertThat(images).allSatisfy(i -> {
            assertThat(i.get("content_type")).isEqualTo("image/png");
            assertThat(i.get("width")).isEqualTo(64);
        });
        assertThat(images.stream().filter(i -> sharedImage.equals(i.get("source_url"))).map(i -> i.get("object_key")).distinct())
                .hasSize(1);

        try (S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create(Pipeline.infra().s3.endpoint()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY))).build()) {
            Set<String> stored = new HashSet<>();
            s3.listObjectsV2Paginator(b -> b.bucket("catalog-images")).contents().stream().map(S3Object::key).forEach(stored::add);
            assertThat(stored).containsAll(keys.stream().map(String.class::cast).toList());
        }
    }
}
