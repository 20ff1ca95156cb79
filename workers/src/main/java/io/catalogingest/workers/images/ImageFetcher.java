package io.catalogingest.workers.images;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.common.net.GuardedDnsResolver;
import io.catalogingest.workers.core.ItemFailure;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.RedirectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads one image with connect and read timeouts, a size limit and a redirect limit, through
 * the SSRF guard: every connection, redirects included, goes only to an address the
 * {@link AddressPolicy} allows, and to the very address that was checked.
 */
public final class ImageFetcher implements Closeable {
    /** Carries an item failure out of the response handler. */
    private static final class Refused extends IOException {
        final transient ItemFailure failure;

        Refused(ItemFailure failure) {
            super(failure.getMessage());
            this.failure = failure;
        }
    }

    private final CloseableHttpClient http;
    private final long maxBytes;
    private final Duration deadline;

    /**
     * {@code deadline} bounds a whole download, redirects included: an origin that drips bytes just
     * faster than {@code readTimeout} is cut off after it (at most one read timeout later).
     */
    public ImageFetcher(AddressPolicy policy, Duration connectTimeout, Duration readTimeout, Duration deadline, long maxBytes,
            int maxRedirects, int maxConnections) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(policy))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout)).setSocketTimeout(Timeout.of(readTimeout)).build())
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections).build())
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(maxRedirects > 0).setMaxRedirects(maxRedirects)
                        .setResponseTimeout(Timeout.of(readTimeout)).build())
                .disableCookieManagement()
                .disableAutomaticRetries()
                .setUserAgent("catalog-ingest-image-worker")
                .build();
    }

    public byte[] fetch(String url) throws ItemFailure {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        HttpGet get = new HttpGet(URI.create(url));
        get.addHeader("Accept", "image/*");
        try {
            return http.execute(get, response -> {
                int status = response.getCode();
                if (status != 200) {
                    throw new Refused(statusFailure(status, url));
                }
                return readLimited(get, response.getEntity(), url, giveUpAt);
            });
        } catch (Refused e) {
            throw e.failure;
        } catch (GuardedDnsResolver.RefusedAddressException e) {
            throw new ItemFailure("IMAGE_ADDRESS_REFUSED", e.getMessage(), true, e);
        } catch (UnknownHostException e) {
            throw new ItemFailure("IMAGE_HOST_UNKNOWN", "cannot resolve the host of " + url, true, e);
        } catch (ClientProtocolException e) {
            if (e.getCause() instanceof RedirectException) {
                throw new ItemFailure("IMAGE_TOO_MANY_REDIRECTS", url + ": " + e.getCause().getMessage(), true, e);
            }
            throw new ItemFailure("IMAGE_PROTOCOL_ERROR", url + ": " + e.getMessage(), true, e);
        } catch (InterruptedIOException e) {
            throw new ItemFailure("IMAGE_TIMEOUT", "no answer from " + url + " within the timeout", false, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ItemFailure("IMAGE_FETCH_FAILED", "cannot fetch " + url + ": " + e.getMessage(), false, e);
        }
    }

    /** A body cut short aborts the request: closing its stream would otherwise read the rest, however long. */
    private byte[] readLimited(HttpGet get, HttpEntity entity, String url, long giveUpAt) throws IOException {
        if (entity == null) {
            throw new Refused(new ItemFailure("NOT_AN_IMAGE", url + " answered without a body", true));
        }
        if (entity.getContentLength() > maxBytes) {
            throw new Refused(tooLarge(url));
        }
        try (InputStream in = entity.getContent()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(maxBytes + 1, 1 << 16));
            byte[] buffer = new byte[1 << 14];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (bytes.size() + (long) n > maxBytes) {
                    get.cancel();
                    throw new Refused(tooLarge(url));
                }
                bytes.write(buffer, 0, n);
                if (System.nanoTime() - giveUpAt > 0) {
                    get.cancel();
                    throw new Refused(new ItemFailure("IMAGE_TIMEOUT", url + " was not downloaded within " + deadline.toMillis()
                            + " ms", false));
                }
            }
            return bytes.toByteArray();
        }
    }

    private ItemFailure tooLarge(String url) {
        return new ItemFailure("IMAGE_TOO_LARGE", url + " is larger than " + maxBytes + " bytes", true);
    }

    static ItemFailure statusFailure(int status, String url) {
        String message = url + " answered HTTP " + status;
        return switch (status) {
            case 404, 410 -> new ItemFailure("IMAGE_NOT_FOUND", message, true);
            case 401, 403 -> new ItemFailure("IMAGE_FORBIDDEN", message, true);
            case 408, 429 -> new ItemFailure("IMAGE_ORIGIN_BUSY", message, false);
            default -> status >= 500 ? new ItemFailure("IMAGE_ORIGIN_ERROR", message, false)
                    : new ItemFailure("IMAGE_HTTP_" + status, message, true);
        };
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
