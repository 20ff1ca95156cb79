package io.catalogingest.common.items;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code application/json}: one array of product objects, read element by element. */
final class JsonArrayReader extends IndexedItemReader {
    private final ObjectMapper json;
    private final JsonParser parser;
    private final ItemSizeLimit sizeLimit;
    private boolean started;

    JsonArrayReader(ObjectMapper json, JsonParser parser, ItemSizeLimit sizeLimit) {
        this.json = json;
        this.parser = parser;
        this.sizeLimit = sizeLimit;
    }

    @Override
    ParsedItem read(int index) throws IOException, UploadRefusedException {
        if (!started) {
            started = true;
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw UploadRefusedException.malformed("the body must be a JSON array of products" + Locations.of(parser));
            }
        }
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_ARRAY) {
            if (parser.nextToken() != null) {
                throw UploadRefusedException.malformed("unexpected content after the closing bracket" + Locations.of(parser));
            }
            return null;
        }
        if (token == null) {
            throw UploadRefusedException.malformed("the body ends before the array is closed" + Locations.of(parser));
        }
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return ParsedItem.unreadable(null, "ITEM_NOT_AN_OBJECT", "each product must be a JSON object");
        }
        try {
            return Items.fromTree(json, sizeLimit.enforceOn(parser, index).readValueAsTree());
        } catch (ItemSizeLimit.ItemTooLargeException e) {
            throw e.refusal();
        }
    }

    /** Where the parser stands, for error messages. */
    static final class Locations {
        private Locations() {}

        static String of(JsonParser parser) {
            return " (line " + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr() + ")";
        }
    }
}
