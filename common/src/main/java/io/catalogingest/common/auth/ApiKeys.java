package io.catalogingest.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import io.catalogingest.common.Sha256;

/** API keys: 256 random bits, shown once, stored only as a SHA-256 hash and a short prefix. */
public final class ApiKeys {
    static final String KEY_PREFIX = "cik_";
    private static final int PREFIX_LENGTH = KEY_PREFIX.length() + 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static String hash(String key) {
        return Sha256.hex(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The part of a key safe to show in listings and logs. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(PREFIX_LENGTH, key.length()));
    }
}
