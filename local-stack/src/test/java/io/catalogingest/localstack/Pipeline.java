package io.catalogingest.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.devstack.DevStack;

/** The whole pipeline on devstack, started once per test JVM, and a small HTTP client for it. */
final class Pipeline {
    static {
        // Uploads go out with "Connection: close": a server that refuses a body before reading it
        // all closes the connection, and a reused one would fail the next request of the test.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static LocalStack stack;
    /** Short retry delays and small limits, so that failure paths finish within a test. */
    static final Map<String, String> WORKER_SETTINGS = Map.of(
            "catalog.firstRetryDelay", "200ms", "catalog.maxRetryDelay", "1s", "catalog.maxAttempts", "3",
            "images.firstRetryDelay", "200ms", "images.maxRetryDelay", "1s", "images.maxAttempts", "3",
            "images.readTimeout", "1s", "images.maxImageSize", "256KiB", "images.maxPixels", "1000000");

    /**
     * For the service JVMs a test starts beside its own on two cores: the quick compiler and one GC
     * thread cost a fraction of the start-up CPU of the defaults, and these tests need no peak speed.
     */
    static final List<String> QUICK_START_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private Pipeline() {}

    static synchronized LocalStack stack() {
        if (stack == null) {
            DevStack infra = DevStack.shared();
            try {
                stack = LocalStack.start(infra, LocalStack.Ports.ANY, WORKER_SETTINGS);
            } catch (Exception e) {
                throw new IllegalStateException("local stack failed to start", e);
            }
            infra.closeFirst(stack);
        }
        return stack;
    }

    static DevStack infra() {
        return DevStack.shared();
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    static Reply upload(String apiKey, String contentType, String body) {
        return upload(stack().ingestUrl() + "/v1/uploads", apiKey, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs raw bytes; extra headers come as name, value pairs. */
    static Reply upload(String url, String apiKey, String contentType, byte[] body, String... headers) {
        return upload(HTTP, url, apiKey, contentType, body, headers);
    }

    /** The same on a client of the caller's, e.g. a fresh one when the server may drop the connection. */
    static Reply upload(HttpClient client, String url, String apiKey, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Connection", "close")
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(client, request.build());
    }

    /** A JSON catalog of {@code items} products {@code <skuPrefix>-<i>}, each with the one image {@code imageUrl(i)}. */
    static String catalog(String skuPrefix, int items, java.util.function.IntFunction<String> imageUrl) {
        com.fasterxml.jackson.databind.node.ArrayNode body = JSON.createArrayNode();
        for (int i = 0; i < items; i++) {
            body.addObject().put("sku", skuPrefix + "-" + i).put("title", "t").put("price", 1).put("currency", "EUR")
                    .putArray("images").add(imageUrl.apply(i));
        }
        return body.toString();
    }

    static String uploadsUrl() {
        return stack().ingestUrl() + "/v1/uploads";
    }

    static Reply get(String url, String apiKey, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    static Reply post(String url, String apiKey) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    static Reply put(String url, String apiKey, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static Reply send(HttpRequest request) {
        return send(HTTP, request);
    }

    private static Reply send(HttpClient client, HttpRequest request) {
        try {
            // A stalled service fails the test instead of hanging the build.
            HttpRequest bounded = HttpRequest.newBuilder(request, (name, value) -> true).timeout(REQUEST_TIMEOUT).build();
            HttpResponse<String> r = client.send(bounded, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() || !r.headers().firstValue("Content-Type").orElse("").contains("json")
                    ? JSON.nullNode() : JSON.readTree(r.body());
            return new Reply(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
