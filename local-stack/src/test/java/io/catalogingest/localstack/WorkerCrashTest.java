package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The worker process is SIGKILLed three times while it works through two submissions of the same
 * 4,000 SKUs, and restarted each time. Every item ends processed exactly as if nothing happened:
 * exact counts, the newer submission in every row, the images stored.
 */
class WorkerCrashTest {
    private static final int ITEMS = 4_000;
    private static final int IMAGE_EVERY = 5;

    private static String catalog(String merchant, String version) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            body.append("{\"sku\":\"K-").append(i).append("\",\"title\":\"").append(version).append(" title ").append(i)
                    .append("\",\"price\":").append(version.equals("v1") ? 1 : 2).append(",\"currency\":\"EUR\"");
            if (i % IMAGE_EVERY == 0) {
                body.append(",\"images\":[\"").append(Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i)).append("\"]");
            }
            body.append("}\n");
        }
        return body.toString();
    }

    @Test
    void killingTheWorkerProcessThreeTimesLosesAndDuplicatesNothing() throws Exception {
        LocalStack stack = Pipeline.stack();
        String merchant = "m-crash-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Crash");
        Path log = Files.createTempFile("workers-crash", ".log");
        Map<String, String> settings = WorkerProcess.settingsForKills(stack,
                Map.of("catalog.maxPollRecords", "500", "images.maxPollRecords", "100"));

        stack.stopWorkers();
        WorkerProcess worker = WorkerProcess.start(settings, log);
        try {
            String older = upload(key, catalog(merchant, "v1"));
            String newer = upload(key, catalog(merchant, "v2"));
            List<String> statusUrls = List.of(older, newer);

            // Kills at fixed shares of all stage outcomes, so each is reached however fast the work runs.
            int total = 4 * ITEMS;
            for (int threshold : new int[] {1, 3 * total / 10, 6 * total / 10}) {
                int reached = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> progress(statusUrls, key), p -> p >= threshold);
                worker.kill();
                System.out.printf("killed the worker process at %d of %d stage outcomes%n", reached, total);
                worker = WorkerProcess.start(settings, log);
            }

            for (String statusUrl : statusUrls) {
                JsonNode done = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
                assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
                assertThat(done.path("failed").asInt()).isZero();
                assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(ITEMS);
            }
        } finally {
            worker.kill();
            stack.startWorkers();
        }

        Map<String, Object> rows = stack.jdbi().withHandle(h -> h.createQuery("""
                SELECT count(*) AS total, count(*) FILTER (WHERE title LIKE 'v2 %' AND price = 2) AS newest,
                       count(DISTINCT sku) AS skus
                FROM products WHERE merchant_id = :m""").bind("m", merchant).mapToMap().one());
        assertThat(((Number) rows.get("total")).intValue()).isEqualTo(ITEMS);
        assertThat(((Number) rows.get("skus")).intValue()).isEqualTo(ITEMS);
        assertThat(((Number) rows.get("newest")).intValue()).as("rows holding the newer submission").isEqualTo(ITEMS);
        int images = stack.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM product_images WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
        assertThat(images).isEqualTo(ITEMS / IMAGE_EVERY);
    }

    private static String upload(String key, String ndjson) {
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), key, "application/x-ndjson", ndjson.getBytes());
        assertThat(r.status()).isEqualTo(202);
        return r.body().path("statusUrl").asText();
    }

    /** Stage outcomes recorded so far over both uploads (at most 4 x ITEMS). */
    private static int progress(List<String> statusUrls, String key) {
        int sum = 0;
        for (String url : statusUrls) {
            JsonNode stages = Pipeline.get(url, key).body().path("stages");
            sum += stages.path("catalog").path("succeeded").asInt() + stages.path("images").path("succeeded").asInt();
        }
        return sum;
    }
}
