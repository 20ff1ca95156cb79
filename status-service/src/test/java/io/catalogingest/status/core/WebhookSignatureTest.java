package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void signaturesCoverTimestampAndBodyUnderTheMerchantsSecret() {
        String secret = WebhookSignature.newSecret();
        String signature = WebhookSignature.sign(secret, 1_700_000_000, "{\"a\":1}");
        assertThat(signature).startsWith("v1=").hasSize(3 + 64);
        assertThat(WebhookSignature.verify(secret, 1_700_000_000, "{\"a\":1}", signature)).isTrue();
        assertThat(WebhookSignature.verify(secret, 1_700_000_001, "{\"a\":1}", signature)).isFalse();
        assertThat(WebhookSignature.verify(secret, 1_700_000_000, "{\"a\":2}", signature)).isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), 1_700_000_000, "{\"a\":1}", signature)).isFalse();
        assertThat(WebhookSignature.verify(secret, 1_700_000_000, "{\"a\":1}", null)).isFalse();
        // Known answer: HMAC-SHA256("key", "1.body").
        assertThat(WebhookSignature.sign("key", 1, "body"))
                .isEqualTo("v1=91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5");
    }
}
