package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Staged uploads: the merchant PUTs the file to a presigned URL on the object store, then POSTs
 * its id. The splitter validates and counts it; refusals reach the status as VALIDATION failures.
 */
class StagedUploadTest {
    private static String item(String sku, String currency) {
        return "{\"sku\":\"" + sku + "\",\"title\":\"t\",\"price\":1,\"currency\":\"" + currency + "\"}\n";
    }

    /** Asks for a staged upload and PUTs the body to its URL; returns the staged upload id. */
    private static String stage(String apiKey, String body) throws IOException, InterruptedException {
        Pipeline.Reply staged = Pipeline.post(Pipeline.stack().ingestUrl() + "/v1/staged-uploads", apiKey);
        assertThat(staged.status()).isEqualTo(201);
        assertThat(staged.body().path("method").asText()).isEqualTo("PUT");
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(staged.body().path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        return staged.body().path("stagedUploadId").asText();
    }

    private static Pipeline.Reply accept(String apiKey, String stagedUploadId) {
        return Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json",
                ("{\"stagedUploadId\":\"" + stagedUploadId + "\",\"format\":\"ndjson\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode awaitDone(String apiKey, Pipeline.Reply accepted) {
        String statusUrl = accepted.body().path("statusUrl").asText();
        return await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> Pipeline.get(statusUrl, apiKey).body(), s -> "DONE".equals(s.path("status").asText()));
    }

    @Test
    void aStagedFileIsAcceptedThenCountedValidatedAndDone() throws Exception {
        String apiKey = Pipeline.stack().createMerchant("m-staged-" + UUID.randomUUID(), "Staged");
        String id = stage(apiKey, item("S-0", "EUR") + item("S-1", "euro") + item("S-2", "EUR") + item("S-0", "EUR")
                + item("S-3", "EUR"));

        Pipeline.Reply accepted = accept(apiKey, id);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().has("totalItems")).as("counted later, by the splitter").isFalse();
        JsonNode done = awaitDone(apiKey, accepted);
        assertThat(done.path("totalItems").asInt()).isEqualTo(5);
        assertThat(done.path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("refused").asInt()).isEqualTo(2);
        assertThat(done.path("failed").asInt()).isEqualTo(2);
        JsonNode failed = Pipeline.get(accepted.body().path("statusUrl").asText() + "/items?outcome=FAILED", apiKey).body();
        assertThat(failed.toString()).contains("CURRENCY_INVALID").contains("DUPLICATE_SKU");
    }

    @Test
    void aStagedFileThatBreaksOffIsSplitUpToTheBreakWhichIsRefused() throws Exception {
        String apiKey = Pipeline.stack().createMerchant("m-staged-broken-" + UUID.randomUUID(), "Staged");
        String id = stage(apiKey, item("B-0", "EUR") + item("B-1", "EUR") + "{\"sku\": \"B-2\", \"title\n");

        JsonNode done = awaitDone(apiKey, accept(apiKey, id));

        assertThat(done.path("totalItems").asInt()).isEqualTo(3);
        assertThat(done.path("succeeded").asInt()).isEqualTo(2);
        assertThat(done.path("refused").asInt()).isEqualTo(1);
    }

    @Test
    void nothingPutToTheUrlIsRefusedAndEnqueuesNothing() {
        String merchant = "m-staged-missing-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Staged");
        Pipeline.Reply staged = Pipeline.post(Pipeline.stack().ingestUrl() + "/v1/staged-uploads", apiKey);

        Pipeline.Reply refused = accept(apiKey, staged.body().path("stagedUploadId").asText());

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("code").asText()).isEqualTo("STAGED_UPLOAD_MISSING");
        assertThat(TopicReader.uploads(merchant)).isEmpty();
    }

    @Test
    void aMerchantCannotAcceptAnotherMerchantsStagedFile() throws Exception {
        String owner = Pipeline.stack().createMerchant("m-staged-owner-" + UUID.randomUUID(), "Owner");
        String other = Pipeline.stack().createMerchant("m-staged-other-" + UUID.randomUUID(), "Other");
        String id = stage(owner, item("O-0", "EUR"));

        Pipeline.Reply refused = accept(other, id);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("code").asText()).isEqualTo("STAGED_UPLOAD_MISSING");
    }
}
