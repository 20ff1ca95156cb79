package io.catalogingest.common.auth;

import java.util.regex.Pattern;

/**
 * What a merchant id may be: 1 to 64 ASCII letters, digits, '.', '_' or '-', starting with a
 * letter or digit. Keys in Kafka, the stores and the object store join a merchant id and what
 * follows with '/', and it may not start with '.' (no "..", no hidden path), so no merchant's keys
 * can ever read as another's.
 */
public final class MerchantIds {
    public static final int MAX_LENGTH = 64;
    public static final String RULE = "1 to " + MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

    private MerchantIds() {}

    public static boolean isValid(String merchantId) {
        return merchantId != null && VALID.matcher(merchantId).matches();
    }

    /** The id, or IllegalArgumentException naming the rule. */
    public static String require(String merchantId) {
        if (!isValid(merchantId)) {
            throw new IllegalArgumentException("invalid merchant id '" + merchantId + "': " + RULE);
        }
        return merchantId;
    }
}
