package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

class ItemSizeLimitTest {
    /** Reads the object at the parser's next token through the limit, to its end. */
    private static void readObject(JsonParser parser, ItemSizeLimit limit) throws IOException {
        assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        JsonParser item = limit.enforceOn(parser, 7);
        while (item.nextToken() != JsonToken.END_OBJECT) {
            item.skipChildren();
        }
    }

    @Test
    void countsBytesFromTheItemsFirstTokenInByteAndInTextParsers() throws Exception {
        ItemSizeLimit tenBytes = new ItemSizeLimit(10, 100);
        String fits = "  {\"a\":\"12\"}";
        String tooLarge = "  {\"a\":\"123\"}";

        readObject(UploadBodies.JSON.createParser(utf8(fits)), tenBytes);
        readObject(UploadBodies.JSON.createParser(fits), tenBytes);
        assertThatThrownBy(() -> readObject(UploadBodies.JSON.createParser(utf8(tooLarge)), tenBytes))
                .isInstanceOf(ItemSizeLimit.ItemTooLargeException.class).hasMessageContaining("item 7 ");
        assertThatThrownBy(() -> readObject(UploadBodies.JSON.createParser(tooLarge), tenBytes))
                .isInstanceOf(ItemSizeLimit.ItemTooLargeException.class).hasMessageContaining("10 bytes");
    }

    @Test
    void countsTokensReadThroughNextValueToo() throws Exception {
        JsonParser item = new ItemSizeLimit(1000, 3).enforceOn(UploadBodies.JSON.createParser("{\"a\":1,\"b\":2}"), 0);

        assertThat(item.nextValue()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(item.nextValue()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThatThrownBy(item::nextValue).isInstanceOf(ItemSizeLimit.ItemTooLargeException.class)
                .hasMessageContaining("3 tokens");
    }
}
