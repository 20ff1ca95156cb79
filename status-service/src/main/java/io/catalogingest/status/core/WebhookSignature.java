package io.catalogingest.status.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries: {@code v1=} hex HMAC-SHA256, keyed by the merchant's secret, over
 * {@code <timestamp>.<body>}. The timestamp lets receivers refuse old deliveries (replays).
 */
public final class WebhookSignature {
    public static final String VERSION = "v1=";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {}

    public static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static String sign(String secret, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return VERSION + HexFormat.of().formatHex(mac.doFinal((timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a receiver does: same signature, in constant time. */
    public static boolean verify(String secret, long timestampSeconds, String body, String signature) {
        byte[] expected = sign(secret, timestampSeconds, body).getBytes(StandardCharsets.UTF_8);
        return signature != null && MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
    }
}
