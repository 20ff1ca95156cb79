package io.catalogingest.workers.images;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import io.catalogingest.workers.core.ItemFailure;

/** Downloads one image with timeouts, a size limit and a redirect limit. */
public final class ImageFetcher {
    private final HttpClient http;
    private final Duration readTimeout;
    private final long maxBytes;
    private final int maxRedirects;

    public ImageFetcher(Duration connectTimeout, Duration readTimeout, long maxBytes, int maxRedirects) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // each hop is checked here, not by the client
                .build();
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.maxRedirects = maxRedirects;
    }

    public byte[] fetch(String url) throws ItemFailure, InterruptedException {
        URI uri = URI.create(url);
        for (int hop = 0; hop <= maxRedirects; hop++) {
            HttpResponse<InputStream> response = send(uri);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                closeQuietly(response.body());
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status == 200) {
                return readLimited(response.body(), url);
            }
            closeQuietly(response.body());
            throw statusFailure(status, url);
        }
        throw new ItemFailure("IMAGE_TOO_MANY_REDIRECTS", "more than " + maxRedirects + " redirects for " + url, true);
    }

    private HttpResponse<InputStream> send(URI uri) throws ItemFailure, InterruptedException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(readTimeout).header("Accept", "image/*");
            if ("http".equals(uri.getScheme())) {
                request.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade round trip on plain HTTP
            }
            return http.send(request.GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ItemFailure("IMAGE_TIMEOUT", "no answer from " + uri + " within the timeout", false);
        } catch (IOException | IllegalArgumentException e) {
            throw new ItemFailure("IMAGE_FETCH_FAILED", "cannot fetch " + uri + ": " + e.getMessage(), false);
        }
    }

    private byte[] readLimited(InputStream body, String url) throws ItemFailure {
        try (body) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ItemFailure("IMAGE_TOO_LARGE", url + " is larger than " + maxBytes + " bytes", true);
            }
            return bytes;
        } catch (IOException e) {
            throw new ItemFailure("IMAGE_FETCH_FAILED", "download of " + url + " broke off: " + e.getMessage(), false);
        }
    }

    private static ItemFailure statusFailure(int status, String url) {
        return switch (status) {
            case 404, 410 -> new ItemFailure("IMAGE_NOT_FOUND", url + " answered HTTP " + status, true);
            case 401, 403 -> new ItemFailure("IMAGE_FORBIDDEN", url + " answered HTTP " + status, true);
            case 408, 429 -> new ItemFailure("IMAGE_ORIGIN_BUSY", url + " answered HTTP " + status, false);
            default -> new ItemFailure(status >= 500 ? "IMAGE_ORIGIN_ERROR" : "IMAGE_HTTP_" + status,
                    url + " answered HTTP " + status, status < 500);
        };
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
