package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookUrlsTest {
    @Test
    void urlsMustBeHttpWithAHostAndNoCredentials() {
        assertThat(WebhookUrls.refusal("https://hooks.example.com/catalog")).isEmpty();
        assertThat(WebhookUrls.refusal("http://127.0.0.1:9000/x")).isEmpty();
        assertThat(WebhookUrls.refusal(null)).contains("url is required");
        assertThat(WebhookUrls.refusal("ftp://example.com/x")).contains("url must be https (or http)");
        assertThat(WebhookUrls.refusal("https://user:pw@example.com/")).contains("url must not carry credentials");
        assertThat(WebhookUrls.refusal("https:///path")).contains("url has no host");
        assertThat(WebhookUrls.refusal("https://example.com/#frag")).contains("url must not have a fragment");
        assertThat(WebhookUrls.refusal("https://example.com/" + "a".repeat(2100))).isPresent();
        assertThat(WebhookUrls.refusal("http://exa mple.com/")).get().asString().startsWith("url is not a URL");
    }
}
