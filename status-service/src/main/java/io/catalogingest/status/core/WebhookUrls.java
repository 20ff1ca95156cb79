package io.catalogingest.status.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * What a webhook URL may look like. Where it points (no private, loopback or metadata addresses)
 * is checked on every delivery, when the name is resolved.
 */
public final class WebhookUrls {
    static final int MAX_LENGTH = 2048;

    private WebhookUrls() {}

    /** Why the URL is refused, or empty when it is fine. */
    public static Optional<String> refusal(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("url is required");
        }
        if (url.length() > MAX_LENGTH) {
            return Optional.of("url is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("url is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("url must be https (or http)");
        }
        if (uri.getHost() == null) {
            return Optional.of("url has no host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("url must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("url must not have a fragment");
        }
        return Optional.empty();
    }
}
