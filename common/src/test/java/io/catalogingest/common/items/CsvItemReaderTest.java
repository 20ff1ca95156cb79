package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.open;
import static io.catalogingest.common.items.UploadBodies.readAll;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.catalogingest.common.items.ProductRequest.Image;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CsvItemReaderTest {
    private static final String HEADER = "sku,title,description,price,currency,images,attr.colour\n";

    private static ItemReader csv(String body) throws IOException {
        return open(ItemFormat.CSV, body);
    }

    private static void assertMalformed(ThrowingCallable read, String detail) {
        assertThatThrownBy(read).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(e.problem().code()).isEqualTo("MALFORMED_BODY");
            assertThat(e.problem().status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(detail);
        });
    }

    private static void assertTooManyColumns(ThrowingCallable read, String line) {
        assertThatThrownBy(read).isInstanceOfSatisfying(UploadRefusedException.class, e -> {
            assertThat(e.problem().code()).isEqualTo("CSV_TOO_MANY_COLUMNS");
            assertThat(e.problem().status()).isEqualTo(400);
            assertThat(e.problem().detail()).isEqualTo(line + " has more than 200 columns");
        });
    }

    /** {@code ,attr.a0,attr.a1,...}: {@code count} attribute columns. */
    private static String attributeColumns(int count) {
        StringBuilder columns = new StringBuilder();
        for (int i = 0; i < count; i++) {
            columns.append(",attr.a").append(i);
        }
        return columns.toString();
    }

    @Test
    void readsEachRowWithQuotingImagesAndAttributes() throws Exception {
        List<ParsedItem> items = readAll(csv(HEADER
                + "MUG-1,\"Mug, enamel\",\"Holds 350 ml,\nwashable\",12.50,EUR,https://cdn.example.com/1.jpg| https://cdn.example.com/2.jpg,blue\n"
                + "MUG-2,Plate,,3,EUR,,\n"));

        assertThat(items).extracting(ParsedItem::product).containsExactly(
                new ProductRequest("MUG-1", "Mug, enamel", "Holds 350 ml,\nwashable", new BigDecimal("12.50"), "EUR",
                        Map.of("colour", "blue"),
                        List.of(new Image("https://cdn.example.com/1.jpg"), new Image("https://cdn.example.com/2.jpg"))),
                new ProductRequest("MUG-2", "Plate", null, new BigDecimal("3"), "EUR", Map.of(), List.of()));
    }

    @Test
    void onlyTheRequiredColumnsAreNeededInAnyOrder() throws Exception {
        List<ParsedItem> items = readAll(csv("currency,price,title,sku\nEUR,1.5,Cup,CUP-1\n"));

        assertThat(items).extracting(ParsedItem::product)
                .containsExactly(new ProductRequest("CUP-1", "Cup", null, new BigDecimal("1.5"), "EUR", null, null));
    }

    @Test
    void emptyRequiredCellsReachTheValidatorAsMissing() throws Exception {
        ParsedItem item = csv(HEADER + ",,,,,,\n").next();

        assertThat(ProductValidator.validate(item.product())).extracting(Violation::code)
                .containsExactlyInAnyOrder("SKU_MISSING", "TITLE_MISSING", "PRICE_MISSING", "CURRENCY_INVALID");
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsIgnored() throws Exception {
        assertThat(readAll(csv("\uFEFF" + HEADER + "A,Mug,,1,EUR,,\n"))).extracting(UploadBodies::describe).containsExactly("A");
    }

    @Test
    void aPriceThatIsNoNumberRefusesOnlyThatRow() throws Exception {
        List<ParsedItem> items = readAll(csv(HEADER + "A,Mug,,twelve,EUR,,\nB,Cup,,2,EUR,,\n"));

        assertThat(items).extracting(UploadBodies::describe).containsExactly("PRICE_INVALID", "B");
        assertThat(items.get(0).sku()).isEqualTo("A");
    }

    @Test
    void aHeaderWithoutTheRequiredColumnsRefusesTheBody() throws Exception {
        ItemReader reader = csv("sku,title,description,price\nA,Mug,,1\n");

        assertMalformed(reader::next, "currency");
    }

    @Test
    void aRowWithTooFewColumnsRefusesTheBodyAtItsLine() throws Exception {
        ItemReader reader = csv(HEADER + "A,Mug,\"two\nlines\",1,EUR,,\nB,Cup,,2,EUR\n");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertMalformed(reader::next, "line 4");
    }

    @Test
    void aRowWithTooManyColumnsRefusesTheBodyAtItsLine() throws Exception {
        ItemReader reader = csv(HEADER + "A,Mug,,1,EUR,,\nB,Cup,,2,EUR,,,extra\n");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertMalformed(reader::next, "line 3");
    }

    @Test
    void headerNamesAreTrimmedAndATrailingCommaIsTolerated() throws Exception {
        List<ParsedItem> items = readAll(csv(" sku , title ,price,currency,\nA,Mug,1,EUR,\nB,Cup,2,EUR\n"));

        assertThat(items).extracting(ParsedItem::product).containsExactly(
                new ProductRequest("A", "Mug", null, new BigDecimal("1"), "EUR", null, null),
                new ProductRequest("B", "Cup", null, new BigDecimal("2"), "EUR", null, null));
    }

    @Test
    void anEmptyBodyLacksTheHeader() throws Exception {
        assertMalformed(csv("")::next, "header");
    }

    @Test
    void aHeaderWithoutTheRequiredColumnsRefusesTheBodyEvenWithoutRows() throws Exception {
        assertMalformed(csv("sku,name\n")::next, "title, price, currency");
    }

    @Test
    void aHeaderOfMoreThan200ColumnsRefusesTheBody() throws Exception {
        String columns196 = attributeColumns(196);
        assertThat(csv("sku,title,price,currency" + columns196 + "\nA,Mug,1,EUR" + ",x".repeat(196) + "\n").next().product()
                .attributes()).hasSize(196);

        assertTooManyColumns(csv("sku,title,price,currency" + columns196 + ",attr.extra\nA,Mug,1,EUR\n")::next, "line 1");
    }

    @Test
    void aRowOfMoreThan200ColumnsRefusesTheBodyAtItsLine() throws Exception {
        ItemReader reader = csv(HEADER + "A,Mug,,1,EUR,,\nB,\"Cup\nand saucer\",,2,EUR" + ",".repeat(196) + "\n");

        assertThat(reader.next().product().sku()).isEqualTo("A");
        assertTooManyColumns(reader::next, "line 3");
    }

    @Test
    void aHeaderOfMillionsOfColumnsIsRefusedWithoutReadingItToItsEnd() throws Exception {
        ByteArrayInputStream body = new ByteArrayInputStream(utf8("sku,title,price,currency" + ",x".repeat(5_000_000) + "\n"));
        ItemReader reader = ItemFormat.CSV.open(UploadBodies.JSON, body);

        assertTooManyColumns(reader::next, "line 1");
        assertThat(body.available()).as("bytes left unread").isGreaterThan(9_000_000);
    }

    @Test
    void anUnclosedQuoteRefusesTheBody() throws Exception {
        ItemReader reader = csv(HEADER + "A,\"Mug,,1,EUR,,\n");

        assertMalformed(reader::next, "line");
    }
}
