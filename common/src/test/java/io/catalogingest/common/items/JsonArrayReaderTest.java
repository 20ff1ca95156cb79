package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.invalidUtf8Between;
import static io.catalogingest.common.items.UploadBodies.open;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.productOfBytes;
import static io.catalogingest.common.items.UploadBodies.readAll;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.catalogingest.common.items.ProductRequest.Image;
import org.junit.jupiter.api.Test;

class JsonArrayReaderTest {
    private static ItemReader json(String body) throws IOException {
        return open(ItemFormat.JSON, body);
    }

    private static ItemReader json(String body, ItemSizeLimit sizeLimit) throws IOException {
        return new JsonArrayReader(UploadBodies.JSON, UploadBodies.JSON.createParser(utf8(body)), sizeLimit);
    }

    private static String code(UploadRefusedException e) {
        return e.problem().code();
    }

    @Test
    void readsEveryFieldOfEachObjectInOrder() throws Exception {
        List<ParsedItem> items = readAll(json("""
                [{"sku": "MUG-001", "title": "Enamel mug", "description": "Camping mug", "price": 12.5,
                  "currency": "EUR", "attributes": {"colour": "blue"}, "unknown": [1, 2],
                  "images": ["https://cdn.example.com/a.jpg", {"url": "https://cdn.example.com/b.jpg"}]},
                 %s]""".formatted(product("MUG-002"))));

        assertThat(items).extracting(ParsedItem::unreadable).containsOnlyNulls();
        assertThat(items.get(0).product()).isEqualTo(new ProductRequest("MUG-001", "Enamel mug", "Camping mug",
                new BigDecimal("12.5"), "EUR", Map.of("colour", "blue"),
                List.of(new Image("https://cdn.example.com/a.jpg"), new Image("https://cdn.example.com/b.jpg"))));
        assertThat(items.get(1).product().sku()).isEqualTo("MUG-002");
    }

    @Test
    void anEmptyArrayHoldsNoItems() throws Exception {
        assertThat(json(" [ ] ").next()).isNull();
    }

    @Test
    void aByteOrderMarkIsIgnored() throws Exception {
        assertThat(readAll(json("\uFEFF[" + product("A") + "]"))).extracting(UploadBodies::describe).containsExactly("A");
    }

    @Test
    void pricesKeepEveryDigitUpToTheLargestAllowed() throws Exception {
        List<ParsedItem> items = readAll(json("[{\"sku\":\"A\",\"price\":1234567890123.4567}, {\"sku\":\"B\",\"price\":99999999999999.9999}]"));

        assertThat(items).extracting(item -> item.product().price().toPlainString())
                .containsExactly("1234567890123.4567", "99999999999999.9999");
    }

    @Test
    void decimalsInTextFieldsKeepTheirWrittenForm() throws Exception {
        List<ParsedItem> items = readAll(json("[{\"sku\":\"A\",\"price\":10.50,\"attributes\":{\"size\":100.0,\"weight\":2.50}}]"));

        assertThat(items.get(0).product().price().toPlainString()).isEqualTo("10.50");
        assertThat(items.get(0).product().attributes()).containsEntry("size", "100.0").containsEntry("weight", "2.50");
    }

    @Test
    void aNonObjectElementIsRefusedAloneAndReadingGoesOn() throws Exception {
        List<ParsedItem> items = readAll(json("[" + product("A") + ", 42, [" + product("X") + "], \"B\", null, " + product("C") + "]"));

        assertThat(items).extracting(UploadBodies::describe)
                .containsExactly("A", "ITEM_NOT_AN_OBJECT", "ITEM_NOT_AN_OBJECT", "ITEM_NOT_AN_OBJECT", "ITEM_NOT_AN_OBJECT", "C");
    }

    @Test
    void aFieldOfTheWrongTypeRefusesOnlyThatItemAndKeepsItsSku() throws Exception {
        List<ParsedItem> items = readAll(json("[{\"sku\":\"A\",\"title\":{\"en\":\"Mug\"}}, "
                + "{\"sku\":\"B\",\"price\":\"cheap\"}, " + product("C") + "]"));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("ITEM_MALFORMED", "ITEM_MALFORMED", "C");
        assertThat(items).extracting(ParsedItem::sku).containsExactly("A", "B", "C");
    }

    @Test
    void aBodyThatIsNotAnArrayIsRefusedWhole() throws Exception {
        ItemReader reader = json(product("A"));

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(code(e)).isEqualTo("MALFORMED_BODY");
            assertThat(e.getMessage()).contains("line 1");
        });
    }

    @Test
    void brokenSyntaxStopsReadingAtItsLine() throws Exception {
        ItemReader reader = json("[\n" + product("A") + ",\n{\"sku\": }\n]");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(JsonProcessingException.class,
                e -> assertThat(e.getLocation().getLineNr()).isEqualTo(3));
    }

    @Test
    void aBodyThatEndsInsideTheArrayIsRefused() throws Exception {
        ItemReader reader = json("[\n" + product("A") + ",\n");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(JsonProcessingException.class,
                e -> assertThat(e.getOriginalMessage()).contains("end-of-input"));
    }

    @Test
    void contentAfterTheArrayIsRefused() throws Exception {
        ItemReader reader = json("[" + product("A") + "]\n[]");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(code(e)).isEqualTo("MALFORMED_BODY");
            assertThat(e.getMessage()).contains("line 2");
        });
    }

    @Test
    void invalidUtf8IsRefusedWithItsLine() throws Exception {
        ItemReader reader = open(ItemFormat.JSON, invalidUtf8Between("[\n" + product("A") + ",\n{\"sku\":\"B", "\"}]"));

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(JsonProcessingException.class, e -> {
            assertThat(e.getOriginalMessage()).containsIgnoringCase("UTF-8");
            assertThat(e.getLocation().getLineNr()).isEqualTo(3);
        });
    }

    @Test
    void nestingDeeperThan32IsRefused() throws Exception {
        // The outer array and the object count: 32 levels in all.
        String nested = "[".repeat(30) + "]".repeat(30);
        assertThat(json("[{\"sku\":\"A\",\"x\":" + nested + "}]").next().product().sku()).isEqualTo("A");

        String tooDeep = "[".repeat(31) + "]".repeat(31);
        assertThatThrownBy(() -> json("[{\"sku\":\"A\",\"x\":" + tooDeep + "}]").next())
                .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void stringsOver1MiBAreRefused() throws Exception {
        // Items are 1 MiB at most, so a string this long only fits under a larger item limit; the string limit
        // still matters, as it bounds the one string an item can read past its own limit.
        ItemSizeLimit roomy = new ItemSizeLimit(2 << 20, ItemFormat.ITEM_SIZE_LIMIT.maxTokens());
        String longest = "x".repeat(1 << 20);
        assertThat(json("[{\"sku\":\"A\",\"description\":\"" + longest + "\"}]", roomy).next().product().description())
                .hasSize(1 << 20);

        assertThatThrownBy(() -> json("[{\"sku\":\"A\",\"description\":\"" + longest + "x\"}]", roomy).next())
                .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("String value length");
    }

    @Test
    void anItemOverOneMebibyteRefusesTheUploadNamingItsIndex() throws Exception {
        ItemReader reader = json("[42, " + productOfBytes("A", 1 << 20) + ", " + productOfBytes("B", (1 << 20) + 1) + ", "
                + product("C") + "]");

        assertThat(reader.next().unreadable().code()).isEqualTo("ITEM_NOT_AN_OBJECT");
        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(413);
            assertThat(code(e)).isEqualTo("ITEM_TOO_LARGE");
            assertThat(e.problem().detail()).contains("item 2 ", "1048576 bytes");
        });
    }

    @Test
    void anItemOfAMillionFieldsIsRefusedWithoutReadingItToItsEnd() throws Exception {
        StringBuilder fields = new StringBuilder("[{\"sku\":\"A\"");
        for (int i = 0; i < 1_000_000; i++) {
            fields.append(",\"f").append(i).append("\":0");
        }
        ByteArrayInputStream body = new ByteArrayInputStream(utf8(fields.append("}]").toString()));
        ItemReader reader = ItemFormat.JSON.open(UploadBodies.JSON, body);

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class,
                e -> assertThat(e.problem().detail()).contains("item 0 ", "10000 tokens"));
        assertThat(body.available()).as("bytes left unread").isGreaterThan(10_000_000);
    }

    @Test
    void numbersOver64DigitsAreRefused() throws Exception {
        assertThat(json("[{\"sku\":\"A\",\"price\":" + "9".repeat(64) + "}]").next().product().price()).hasToString("9".repeat(64));

        assertThatThrownBy(() -> json("[{\"sku\":\"A\",\"price\":" + "9".repeat(65) + "}]").next())
                .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("Number value length");
    }
}
