package io.catalogingest.status.resources;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Asks another instance of the status service. Forwarded requests carry {@link #FORWARDED}, so the
 * receiver answers from its own stores or says it cannot, and never forwards again.
 */
public final class InstanceClient {
    public static final String FORWARDED = "Catalog-Forwarded";
    /** Request headers that matter to the answer. */
    private static final List<String> PASSED = List.of("Authorization", "If-None-Match", "Accept");

    /** An answer as it came, body still streaming. */
    public record Answer(int status, Map<String, List<String>> headers, InputStream body) {}

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public Answer send(URI baseUrl, String method, String pathAndQuery, Map<String, String> requestHeaders)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1").method(method, HttpRequest.BodyPublishers.noBody());
        PASSED.forEach(name -> {
            String value = requestHeaders.get(name);
            if (value != null) {
                request.header(name, value);
            }
        });
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }
}
