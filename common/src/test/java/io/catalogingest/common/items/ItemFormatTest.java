package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.productOfTokens;
import static io.catalogingest.common.items.UploadBodies.readAll;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.math.BigDecimal;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ItemFormatTest {
    /** The same product in each format. */
    private static String body(ItemFormat format) {
        return switch (format) {
            case JSON -> "[" + product("A") + "]";
            case NDJSON -> product("A") + "\n";
            case CSV -> "sku,title,price,currency\nA,Mug A,12.5,EUR\n";
        };
    }

    /** Products in a body of the format, JSON or NDJSON. */
    private static String bodyOf(ItemFormat format, String... products) {
        return format == ItemFormat.JSON ? "[" + String.join(",", products) + "]" : ndjson(products);
    }

    /** Remembers whether it was closed: the body belongs to the caller, which reads the rest of it afterwards. */
    private static final class Body extends FilterInputStream {
        boolean closed;

        Body(byte[] content) {
            super(new ByteArrayInputStream(content));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @ParameterizedTest
    @CsvSource({
            "application/json, JSON",
            "application/json; charset=utf-8, JSON",
            "Application/X-NDJSON, NDJSON",
            "application/jsonl, NDJSON",
            "application/x-jsonlines, NDJSON",
            "text/csv;charset=UTF-8, CSV"})
    void knowsEachFormatByMediaType(String mediaType, ItemFormat format) {
        assertThat(ItemFormat.forMediaType(mediaType)).contains(format);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"text/plain", "application/xml", "multipart/form-data", ""})
    void knowsNoOtherMediaType(String mediaType) {
        assertThat(ItemFormat.forMediaType(mediaType)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "catalog.json, JSON",
            "catalog.ndjson, NDJSON",
            "catalog.JSONL, NDJSON",
            "catalog.csv, CSV",
            "catalog.csv.gz, CSV",
            "catalog.ndjson.gz, NDJSON"})
    void knowsEachFormatByFileNameLookingThroughGzip(String fileName, ItemFormat format) {
        assertThat(ItemFormat.forFileName(fileName)).contains(format);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"catalog.txt", "catalog.gz", "catalog.xlsx", "csv"})
    void knowsNoOtherFileName(String fileName) {
        assertThat(ItemFormat.forFileName(fileName)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @EnumSource(ItemFormat.class)
    void opensTheReaderOfItsFormatAndLeavesTheBodyOpen(ItemFormat format) throws Exception {
        Body body = new Body(utf8(body(format)));

        assertThat(readAll(format.open(UploadBodies.JSON, body))).extracting(ParsedItem::product)
                .containsExactly(new ProductRequest("A", "Mug A", null, new BigDecimal("12.5"), "EUR", null, null));
        assertThat(body.closed).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ItemFormat.class, names = {"JSON", "NDJSON"})
    void anItemOfMoreThanTenThousandTokensRefusesTheUpload(ItemFormat format) throws Exception {
        ItemReader reader = UploadBodies.open(format, bodyOf(format, productOfTokens("A", 10_000), productOfTokens("B", 10_001)));

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(413);
            assertThat(e.problem().code()).isEqualTo("ITEM_TOO_LARGE");
            assertThat(e.problem().detail()).isEqualTo("item 1 (counting from 0) has more than 10000 tokens (field names, values "
                    + "and brackets), the limit per item");
        });
    }
}
