package io.catalogingest.common.items;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/** The body formats an upload can come in. */
public enum ItemFormat {
    JSON("application/json", ".json"),
    NDJSON("application/x-ndjson", ".ndjson"),
    CSV("text/csv", ".csv");

    /** Limits that keep a hostile body from exhausting memory or stack while it is parsed. */
    static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(32).maxStringLength(1 << 20).maxNumberLength(64).build();

    /**
     * Per item of a JSON or NDJSON body: each item becomes a tree before any rule sees it, so one crafted
     * item (millions of fields) could fill the heap. A valid product needs a few hundred tokens and, with
     * descriptions of at most 10,000 characters, far less than 1 MiB.
     */
    static final ItemSizeLimit ITEM_SIZE_LIMIT = new ItemSizeLimit(1 << 20, 10_000);

    public final String mediaType;
    public final String extension;

    ItemFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** By media type (parameters such as charset ignored); {@code application/jsonl} is taken as NDJSON. */
    public static Optional<ItemFormat> forMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String bare = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (bare.equals("application/jsonl") || bare.equals("application/x-jsonlines")) {
            return Optional.of(NDJSON);
        }
        for (ItemFormat f : values()) {
            if (f.mediaType.equals(bare)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** By file name, for multipart uploads whose part has no specific type; {@code .gz} is looked through. */
    public static Optional<ItemFormat> forFileName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl")) {
            return Optional.of(NDJSON);
        }
        for (ItemFormat f : values()) {
            if (name.endsWith(f.extension)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** A copy of the service's mapper whose parsers enforce {@link #CONSTRAINTS}; make it once. */
    public static ObjectMapper constrained(ObjectMapper mapper) {
        // The caller owns the body stream: parsers must not close it when they reach its end.
        // Items pass through a tree on their way to binding: decimals must stay exact there.
        return mapper.copyWith(JsonFactory.builder().streamReadConstraints(CONSTRAINTS)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /** Opens a reader over the body; {@code json} is a {@link #constrained} mapper. */
    public ItemReader open(ObjectMapper json, InputStream body) throws IOException {
        return switch (this) {
            case JSON -> new JsonArrayReader(json, json.getFactory().createParser(body), ITEM_SIZE_LIMIT);
            case NDJSON -> new NdjsonReader(json, body, ITEM_SIZE_LIMIT);
            case CSV -> new CsvItemReader(body);
        };
    }
}
