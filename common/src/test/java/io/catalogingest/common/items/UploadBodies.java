package io.catalogingest.common.items;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;

/** Upload bodies for tests, and the readers the service would open on them. */
public final class UploadBodies {
    /** The mapper as the application builds it: the service's defaults plus the parser limits. */
    public static final ObjectMapper JSON = ItemFormat.constrained(Jackson.newObjectMapper());

    private UploadBodies() {}

    /** A valid product as a JSON object. */
    public static String product(String sku) {
        return "{\"sku\":\"" + sku + "\",\"title\":\"Mug " + sku + "\",\"price\":12.5,\"currency\":\"EUR\"}";
    }

    /**
     * A valid product as a JSON object of exactly {@code tokens} tokens (field names, values and brackets), padded with
     * fields the product ignores; at least 10 and not 11.
     */
    public static String productOfTokens(String sku, int tokens) {
        StringBuilder padding = new StringBuilder();
        int extra = tokens - 10;
        if (extra % 2 == 1) {
            padding.append(",\"odd\":[]");
            extra -= 3;
        }
        for (int i = 0; i < extra / 2; i++) {
            padding.append(",\"pad").append(i).append("\":0");
        }
        return withoutClosingBrace(product(sku)) + padding + "}";
    }

    /** A product as a JSON object of exactly {@code bytes} bytes, padded in its description. */
    public static String productOfBytes(String sku, int bytes) {
        String opening = withoutClosingBrace(product(sku)) + ",\"description\":\"";
        return opening + "x".repeat(bytes - opening.length() - 2) + "\"}";
    }

    private static String withoutClosingBrace(String object) {
        return object.substring(0, object.length() - 1);
    }

    /** One line per product, each ended by a newline. */
    public static String ndjson(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code before}, a byte that never occurs in UTF-8, then {@code after}. */
    public static byte[] invalidUtf8Between(String before, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(before));
        out.write(0xFF);
        out.writeBytes(utf8(after));
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ItemReader open(ItemFormat format, byte[] body) throws IOException {
        return format.open(JSON, new ByteArrayInputStream(body));
    }

    public static ItemReader open(ItemFormat format, String body) throws IOException {
        return open(format, utf8(body));
    }

    /** Every item up to the end of the body. */
    public static List<ParsedItem> readAll(ItemReader reader) throws IOException, UploadRefusedException {
        List<ParsedItem> items = new ArrayList<>();
        for (ParsedItem item = reader.next(); item != null; item = reader.next()) {
            items.add(item);
        }
        return items;
    }

    /** The SKU of a readable item, or the code why it was unreadable: compact to compare in order. */
    public static String describe(ParsedItem item) {
        return item.unreadable() == null ? item.product().sku() : item.unreadable().code();
    }
}
