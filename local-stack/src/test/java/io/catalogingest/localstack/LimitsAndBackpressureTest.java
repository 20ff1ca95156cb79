package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import io.catalogingest.devstack.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Configurable limits answer 413 and 429; an unreachable Kafka answers 503 in bounded time. */
class LimitsAndBackpressureTest {
    private static String strictUrl;

    @BeforeAll
    static void strictInstance() throws Exception {
        strictUrl = Pipeline.stack().startExtraIngestApi("ingest-strict", Map.of(
                "maxBodySize", "2KiB", "maxItemsPerUpload", "3", "uploadsPerMinute", "4",
                "idempotencyKeyRetention", "1s")) + "/v1/uploads";
    }

    /**
     * Its housekeeping deletes every key older than its one-second retention from the shared
     * database; left running, it would forget the keys of uploads that later tests replay.
     */
    @AfterAll
    static void stopStrictInstance() {
        Pipeline.stack().stopExtraIngestApi("ingest-strict");
    }

    private static byte[] items(int count, int titleLength) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append("{\"sku\":\"L-").append(i).append("\",\"title\":\"").append("t".repeat(titleLength))
                    .append("\",\"price\":1,\"currency\":\"EUR\"}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bodiesAndItemCountsOverTheLimitsAre413AndLeaveNothing() throws Exception {
        String merchant = "m-limits-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Limits");

        Pipeline.Reply tooBig = Pipeline.upload(strictUrl, key, "application/x-ndjson", items(2, 3000));
        Pipeline.Reply tooMany = Pipeline.upload(strictUrl, key, "application/x-ndjson", items(4, 5));
        Pipeline.Reply zipBomb = Pipeline.upload(strictUrl, key, "application/x-ndjson",
                UploadFormatsTest.gzip(new String(items(1, 100_000), StandardCharsets.UTF_8)), "Content-Encoding", "gzip");

        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.body().path("code").asText()).isEqualTo("BODY_TOO_LARGE");
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.body().path("code").asText()).isEqualTo("TOO_MANY_ITEMS");
        assertThat(zipBomb.status()).isEqualTo(413);
        assertThat(TopicReader.products(merchant)).isEmpty();
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterItsRetention() throws Exception {
        String key = Pipeline.stack().createMerchant("m-retention-" + UUID.randomUUID(), "Retention");
        String idempotencyKey = "k-" + UUID.randomUUID();
        Pipeline.Reply first = Pipeline.upload(strictUrl, key, "application/x-ndjson", items(1, 5), "Idempotency-Key", idempotencyKey);
        Thread.sleep(1500);
        Pipeline.Reply later = Pipeline.upload(strictUrl, key, "application/x-ndjson", items(2, 5), "Idempotency-Key", idempotencyKey);

        assertThat(first.status()).isEqualTo(202);
        assertThat(later.status()).as("a different body is a new upload once the key expired").isEqualTo(202);
        assertThat(later.body().path("totalItems").asInt()).isEqualTo(2);
        assertThat(later.body().path("uploadId").asText()).isNotEqualTo(first.body().path("uploadId").asText());
    }

    @Test
    void aMerchantOverItsUploadRateGets429WithRetryAfterAndOthersDoNot() {
        String busy = Pipeline.stack().createMerchant("m-rate-" + UUID.randomUUID(), "Busy");
        String other = Pipeline.stack().createMerchant("m-rate-" + UUID.randomUUID(), "Other");
        for (int i = 0; i < 4; i++) {
            assertThat(Pipeline.upload(strictUrl, busy, "application/x-ndjson", items(1, 5)).status()).isEqualTo(202);
        }
        Pipeline.Reply limited = Pipeline.upload(strictUrl, busy, "application/x-ndjson", items(1, 5));

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(Pipeline.upload(strictUrl, other, "application/x-ndjson", items(1, 5)).status()).isEqualTo(202);
    }

    @Test
    void withKafkaUnreachableTheAnswerIs503WithinTheTimeoutAndHealthSaysSo() throws Exception {
        // A loopback port nobody listens on stands for a broker that is down.
        String url = Pipeline.stack().startExtraIngestApi("ingest-no-kafka", Map.of(
                "kafka.bootstrapServers", "127.0.0.1:" + FreePorts.next(), "kafkaTimeout", "2s")) + "/v1/uploads";
        try {
            String key = Pipeline.stack().createMerchant("m-nokafka-" + UUID.randomUUID(), "No Kafka");

            long started = System.nanoTime();
            Pipeline.Reply r = Pipeline.upload(url, key, "application/x-ndjson", items(1, 5));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body().path("code").asText()).isEqualTo("KAFKA_UNAVAILABLE");
            assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
            // Bounded by the 2 s Kafka timeout (a few of them), not by the transaction timeout of minutes.
            assertThat(seconds).isLessThan(30);
        } finally {
            // Its Kafka clients would go on trying the dead address, thousands of times a second, for
            // the rest of the suite.
            Pipeline.stack().stopExtraIngestApi("ingest-no-kafka");
        }
    }

    @Test
    void theKafkaHealthCheckReportsReachability() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(Pipeline.stack().adminUrl("ingest-api") + "/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Pipeline.JSON.readTree(health.body()).path("kafka").path("healthy").asBoolean()).isTrue();
    }
}
