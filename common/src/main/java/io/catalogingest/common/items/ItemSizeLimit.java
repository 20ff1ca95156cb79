package io.catalogingest.common.items;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.catalogingest.common.api.Problem;

/**
 * How large one item of a JSON or NDJSON body may be, in bytes and in tokens (field names, values and
 * brackets). Each item is read into a tree before any rule sees it, so the limit is enforced token by
 * token while it is read: an item stops growing its tree at the first token over the limit.
 */
record ItemSizeLimit(long maxBytes, int maxTokens) {

    /** An item passed the limit; thrown as an IOException because Jackson lets only those through. */
    static final class ItemTooLargeException extends IOException {
        ItemTooLargeException(String detail) {
            super(detail);
        }

        /** The whole upload is refused: the reader stopped inside the item and cannot go on past it. */
        UploadRefusedException refusal() {
            return new UploadRefusedException(Problem.of(413, "ITEM_TOO_LARGE", "Item too large", getMessage()));
        }
    }

    /**
     * {@code parser}, counting item {@code itemIndex} (0-based) from its current token on, or from the next one
     * when it has none yet.
     */
    JsonParser enforceOn(JsonParser parser, int itemIndex) {
        return new Counting(parser, itemIndex);
    }

    private final class Counting extends JsonParserDelegate {
        private final int itemIndex;
        private final long start;
        private int tokens;

        Counting(JsonParser parser, int itemIndex) {
            super(parser);
            this.itemIndex = itemIndex;
            this.start = offset(parser.hasCurrentToken() ? parser.currentTokenLocation() : parser.currentLocation());
            this.tokens = parser.hasCurrentToken() ? 1 : 0;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            // The end of input is no token: NDJSON looks for one after each line's object.
            if (token != null && ++tokens > maxTokens) {
                throw new ItemTooLargeException("item " + itemIndex + " (counting from 0) has more than " + maxTokens
                        + " tokens (field names, values and brackets), the limit per item");
            }
            // A string's length is known only once the next token is read: the overshoot is at most one
            // string, which ItemFormat.CONSTRAINTS bounds.
            if (offset(currentLocation()) - start > maxBytes) {
                throw new ItemTooLargeException("item " + itemIndex + " (counting from 0) is larger than " + maxBytes
                        + " bytes, the limit per item");
            }
            return token;
        }

        /** The delegate would pass this straight to the parser, past the count. */
        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }
    }

    /** Parsers over bytes know byte offsets; parsers over text (an NDJSON line) know character offsets. */
    private static long offset(JsonLocation location) {
        return location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    }
}
