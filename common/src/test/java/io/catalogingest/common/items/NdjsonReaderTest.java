package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.invalidUtf8Between;
import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.open;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.productOfTokens;
import static io.catalogingest.common.items.UploadBodies.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

class NdjsonReaderTest {
    private static List<ParsedItem> read(String body) throws Exception {
        return readAll(open(ItemFormat.NDJSON, body));
    }

    private static ItemReader ndjsonWithInvalidUtf8OnLine2() throws IOException {
        return open(ItemFormat.NDJSON, invalidUtf8Between(product("A") + "\n{\"sku\":\"B", "\"}\n" + product("C") + "\n"));
    }

    @Test
    void readsOneObjectPerLine() throws Exception {
        List<ParsedItem> items = read(ndjson(product("A"), product("B")));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("A", "B");
        assertThat(items.get(0).product().title()).isEqualTo("Mug A");
    }

    @Test
    void skipsBlankLinesAndAcceptsCrlfAByteOrderMarkAndNoFinalNewline() throws Exception {
        List<ParsedItem> items = read("\uFEFF" + product("A") + "\r\n\r\n   \n\t\n" + product("B") + "\r\n" + product("C"));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("A", "B", "C");
    }

    @Test
    void aLineOfInvalidJsonRefusesOnlyThatItemAndNamesItsLine() throws Exception {
        List<ParsedItem> items = read(ndjson(product("A"), "", "{\"sku\": \"B\",", product("C")));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("A", "ITEM_MALFORMED", "C");
        assertThat(items.get(1).unreadable().message()).startsWith("line 3 ");
    }

    @Test
    void twoObjectsOnOneLineAreMalformed() throws Exception {
        List<ParsedItem> items = read(ndjson(product("A") + " " + product("B")));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("ITEM_MALFORMED");
    }

    @Test
    void aLineThatIsNotAnObjectIsRefusedWithItsLine() throws Exception {
        List<ParsedItem> items = read(ndjson("[" + product("A") + "]", "\"B\"", product("C")));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("ITEM_NOT_AN_OBJECT", "ITEM_NOT_AN_OBJECT", "C");
        assertThat(items).extracting(i -> i.unreadable() == null ? null : i.unreadable().message())
                .containsExactly("line 1 is not a JSON object", "line 2 is not a JSON object", null);
    }

    @Test
    void aFieldOfTheWrongTypeRefusesOnlyThatItemAndKeepsItsSku() throws Exception {
        List<ParsedItem> items = read(ndjson("{\"sku\":\"A\",\"attributes\":[\"blue\"]}", product("B")));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("ITEM_MALFORMED", "B");
        assertThat(items.get(0).sku()).isEqualTo("A");
    }

    @Test
    void aLineOverOneMebibyteIsRefusedAloneAndReadingGoesOn() throws Exception {
        String longest = "{\"sku\":\"A\",\"description\":\"" + "x".repeat(NdjsonReader.MAX_LINE_CHARS - 40);
        String fits = longest + "x".repeat(NdjsonReader.MAX_LINE_CHARS - longest.length() - 2) + "\"}";
        String tooLong = fits.replace("\"sku\":\"A\"", "\"sku\":\"AB\"");

        List<ParsedItem> items = read(ndjson(fits, tooLong, product("C")));

        assertThat(fits).hasSize(NdjsonReader.MAX_LINE_CHARS);
        assertThat(items).extracting(UploadBodies::describe).containsExactly("A", "ITEM_TOO_LARGE", "C");
        assertThat(items.get(1).unreadable().message()).startsWith("line 2 ");
    }

    @Test
    void anItemOverTheTokenLimitRefusesTheUploadNamingItsIndexNotItsLine() throws Exception {
        ItemReader reader = open(ItemFormat.NDJSON, ndjson(product("A"), "", "{\"sku\":", productOfTokens("C", 10_001), product("D")));

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThat(reader.next().unreadable().code()).isEqualTo("ITEM_MALFORMED");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(413);
            assertThat(e.problem().code()).isEqualTo("ITEM_TOO_LARGE");
            assertThat(e.problem().detail()).startsWith("item 2 ").contains("10000 tokens");
        });
    }

    @Test
    void invalidUtf8RefusesTheWholeBody() throws Exception {
        ItemReader reader = ndjsonWithInvalidUtf8OnLine2();

        assertThatThrownBy(() -> readAll(reader)).isInstanceOfSatisfying(UploadRefusedException.class,
                e -> assertThat(e.problem().code()).isEqualTo("MALFORMED_BODY"));
    }
}
