package io.catalogingest.localstack;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A merchant's side of the staged-upload path, for the whole-system runs: ask for a staged
 * upload, PUT the file to its URL, accept it. An attempt that fails (a process or dependency
 * away) is repeated until the deadline; the accept names the staged upload in its
 * Idempotency-Key, so a repeated accept never enqueues it twice.
 */
final class StagedUploadClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String ingestUrl;
    private final String apiKey;

    StagedUploadClient(String ingestUrl, String apiKey) {
        this.ingestUrl = ingestUrl;
        this.apiKey = apiKey;
    }

    /** Writes an NDJSON catalog of {@code count} products, line {@code i} given by {@code line}. */
    static Path catalog(Path file, int count, IntFunction<String> line) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                out.write(line.apply(i));
                out.write('\n');
            }
        }
        return file;
    }

    /** One product as a merchant sends it, with its gallery's image addresses. */
    static String product(String sku, String title, String price, java.util.List<String> imageUrls) {
        return "{\"sku\":\"" + sku + "\",\"title\":\"" + title + "\",\"price\":" + price + ",\"currency\":\"EUR\""
                + (imageUrls.isEmpty() ? "" : ",\"images\":[\"" + String.join("\",\"", imageUrls) + "\"]") + "}";
    }

    /** Uploads {@code ndjson} and returns the 202's ticket, trying again until {@code deadline} passes. */
    JsonNode upload(Path ndjson, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        String stagedUploadId = null;
        Exception last = null;
        while (System.nanoTime() < until) {
            try {
                if (stagedUploadId == null) {
                    stagedUploadId = stage(ndjson);
                }
                // Longer than the ingest API's commit deadline, so a slow accept is answered, not abandoned.
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/uploads"))
                        .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                        .header("Idempotency-Key", "staged-" + stagedUploadId).timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("stagedUploadId", stagedUploadId)
                                .put("format", "ndjson").toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (accepted.statusCode() == 202) {
                    return JSON.readTree(accepted.body());
                }
                // 409 while the same key's earlier accept is still settled (a killed instance's claim), 429, 5xx: again.
                if (accepted.statusCode() != 409 && accepted.statusCode() != 429 && accepted.statusCode() < 500) {
                    throw new IllegalStateException("upload refused (" + accepted.statusCode() + "): " + accepted.body());
                }
                last = new IOException("answered " + accepted.statusCode() + ": " + accepted.body());
            } catch (IOException e) {
                last = e;
            } catch (StagingFailed e) {
                last = e;
                stagedUploadId = null;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("upload not accepted within " + deadline, last);
    }

    /** GET of the upload's status. */
    JsonNode status(String statusUrl) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(statusUrl))
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("status answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** The upload's status, or null while the status service cannot answer for it (its 404 right after the 202, a restart). */
    JsonNode statusOrNull(String statusUrl) throws InterruptedException {
        try {
            return status(statusUrl);
        } catch (IOException notYet) {
            return null;
        }
    }

    /**
     * Asks every {@code interval} until the upload is DONE or {@code timeout} has passed; returns the
     * last status it got (DONE, or not when the time ran out; null if none).
     */
    JsonNode awaitDone(String statusUrl, Duration timeout, Duration interval) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (true) {
            JsonNode now = statusOrNull(statusUrl);
            last = now == null ? last : now;
            if (last != null && "DONE".equals(last.path("status").asText()) || System.nanoTime() > deadline) {
                return last;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** The upload's report: one line per item and stage. */
    HttpResponse<java.util.stream.Stream<String>> report(String statusUrl) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/report")).header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofLines());
    }

    private String stage(Path ndjson) throws IOException, InterruptedException, StagingFailed {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/staged-uploads"))
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new StagingFailed("staged upload refused (" + created.statusCode() + "): " + created.body());
        }
        JsonNode staged = JSON.readTree(created.body());
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(staged.path("url").asText()))
                .timeout(Duration.ofMinutes(10)).PUT(HttpRequest.BodyPublishers.ofFile(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() / 100 != 2) {
            throw new StagingFailed("the object store refused the file (" + put.statusCode() + ")");
        }
        return staged.path("stagedUploadId").asText();
    }

    private static final class StagingFailed extends Exception {
        StagingFailed(String message) {
            super(message);
        }
    }
}
