package io.catalogingest.common.items;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;


/** The per-item rules of an upload (documented in docs/upload-format.md). */
public final class ProductValidator {
    public static final int MAX_SKU_LENGTH = 128;
    public static final int MAX_TITLE_LENGTH = 500;
    public static final int MAX_DESCRIPTION_LENGTH = 10_000;
    public static final int MAX_IMAGES = 10;
    public static final int MAX_ATTRIBUTES = 100;
    public static final int MAX_ATTRIBUTE_LENGTH = 1_000;
    public static final int PRICE_SCALE = 4;
    private static final BigDecimal MAX_PRICE = new BigDecimal("99999999999999.9999");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern SKU = Pattern.compile("[\\p{Alnum}._:/-]+");

    private ProductValidator() {}

    public static List<Violation> validate(ProductRequest p) {
        List<Violation> v = new ArrayList<>();
        // First, as an item is reported under its first violation, and a NUL also breaks the sku or currency pattern.
        validateNoNulCharacters(p, v);
        if (p.sku() == null || p.sku().isBlank()) {
            v.add(new Violation("SKU_MISSING", "sku is required"));
        } else if (p.sku().length() > MAX_SKU_LENGTH || !SKU.matcher(p.sku()).matches()) {
            v.add(new Violation("SKU_INVALID", "sku must be 1-" + MAX_SKU_LENGTH + " letters, digits or . _ : / -"));
        }
        if (p.title() == null || p.title().isBlank()) {
            v.add(new Violation("TITLE_MISSING", "title is required"));
        } else if (p.title().length() > MAX_TITLE_LENGTH) {
            v.add(new Violation("TITLE_TOO_LONG", "title is longer than " + MAX_TITLE_LENGTH + " characters"));
        }
        if (p.description() != null && p.description().length() > MAX_DESCRIPTION_LENGTH) {
            v.add(new Violation("DESCRIPTION_TOO_LONG", "description is longer than " + MAX_DESCRIPTION_LENGTH + " characters"));
        }
        validatePrice(p, v);
        if (p.currency() == null || !CURRENCY.matcher(p.currency()).matches()) {
            v.add(new Violation("CURRENCY_INVALID", "currency must be an ISO 4217 code such as EUR"));
        }
        validateImages(p, v);
        validateAttributes(p.attributes(), v);
        return v;
    }

    /** PostgreSQL text and jsonb cannot hold U+0000: the item would be accepted here and fail in the database. */
    private static void validateNoNulCharacters(ProductRequest p, List<Violation> v) {
        List<String> fields = new ArrayList<>();
        if (hasNul(p.sku())) {
            fields.add("sku");
        }
        if (hasNul(p.title())) {
            fields.add("title");
        }
        if (hasNul(p.description())) {
            fields.add("description");
        }
        if (hasNul(p.currency())) {
            fields.add("currency");
        }
        if (p.attributes().entrySet().stream().anyMatch(a -> hasNul(a.getKey()) || hasNul(a.getValue()))) {
            fields.add("attributes");
        }
        if (p.images().stream().anyMatch(image -> image != null && hasNul(image.url()))) {
            fields.add("images");
        }
        if (!fields.isEmpty()) {
            // Names the fields only: echoing their text would carry the NUL on into the refusal.
            v.add(new Violation("NUL_CHARACTER", "NUL characters (U+0000) cannot be stored: found in " + String.join(", ", fields)));
        }
    }

    private static boolean hasNul(String s) {
        return s != null && s.indexOf('\0') >= 0;
    }

    private static void validatePrice(ProductRequest p, List<Violation> v) {
        if (p.price() == null) {
            v.add(new Violation("PRICE_MISSING", "price is required"));
        } else if (p.price().signum() < 0 || p.price().compareTo(MAX_PRICE) > 0) {
            v.add(new Violation("PRICE_OUT_OF_RANGE", "price must be between 0 and " + MAX_PRICE));
        } else if (p.price().stripTrailingZeros().scale() > PRICE_SCALE) {
            v.add(new Violation("PRICE_TOO_PRECISE", "price has more than " + PRICE_SCALE + " decimal places"));
        }
    }

    private static void validateImages(ProductRequest p, List<Violation> v) {
        if (p.images().size() > MAX_IMAGES) {
            v.add(new Violation("TOO_MANY_IMAGES", "at most " + MAX_IMAGES + " images per product"));
            return;
        }
        for (int i = 0; i < p.images().size(); i++) {
            ProductRequest.Image image = p.images().get(i);
            if (image == null || !isHttpUrl(image.url())) {
                v.add(new Violation("IMAGE_URL_INVALID", "images[" + i + "] must be an absolute http or https URL"));
            }
        }
    }

    private static boolean isHttpUrl(String url) {
        if (url == null || url.length() > 2048) {
            return false;
        }
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static void validateAttributes(Map<String, String> attributes, List<Violation> v) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            v.add(new Violation("TOO_MANY_ATTRIBUTES", "at most " + MAX_ATTRIBUTES + " attributes per product"));
        }
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey().isBlank() || a.getKey().length() > 100 || a.getValue() == null
                    || a.getValue().length() > MAX_ATTRIBUTE_LENGTH) {
                v.add(new Violation("ATTRIBUTE_INVALID", "attribute '" + truncate(a.getKey()) + "' needs a name of 1-100 "
                        + "characters and a value of at most " + MAX_ATTRIBUTE_LENGTH + " characters"));
            }
        }
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
