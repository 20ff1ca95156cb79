package io.catalogingest.common.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.catalogingest.common.items.ProductRequest.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProductValidatorTest {
    private static ProductRequest valid() {
        return new ProductRequest("SKU-1", "Kettle", "1.7 l", new BigDecimal("24.99"), "EUR", Map.of("colour", "red"),
                List.of(new Image("https://cdn.example.com/k.png")));
    }

    private static List<String> codes(ProductRequest p) {
        return ProductValidator.validate(p).stream().map(Violation::code).toList();
    }

    @Test
    void aCompleteProductIsValid() {
        assertThat(codes(valid())).isEmpty();
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        assertThat(codes(new ProductRequest(null, " ", null, null, null, null, null)))
                .containsExactlyInAnyOrder("SKU_MISSING", "TITLE_MISSING", "PRICE_MISSING", "CURRENCY_INVALID");
    }

    @Test
    void pricesMustBeNonNegativeWithAtMostFourDecimals() {
        ProductRequest p = valid();
        assertThat(codes(new ProductRequest(p.sku(), p.title(), null, new BigDecimal("-1"), "EUR", null, null)))
                .containsExactly("PRICE_OUT_OF_RANGE");
        assertThat(codes(new ProductRequest(p.sku(), p.title(), null, new BigDecimal("1.00001"), "EUR", null, null)))
                .containsExactly("PRICE_TOO_PRECISE");
        assertThat(codes(new ProductRequest(p.sku(), p.title(), null, new BigDecimal("1.50000"), "EUR", null, null)))
                .isEmpty();
    }

    @Test
    void imageUrlsMustBeAbsoluteHttp() {
        ProductRequest p = valid();
        assertThat(codes(new ProductRequest(p.sku(), p.title(), null, p.price(), "EUR", null,
                List.of(new Image("ftp://x/y.png"), new Image("/relative.png"), new Image("http://ok/a.png")))))
                .containsExactly("IMAGE_URL_INVALID", "IMAGE_URL_INVALID");
    }

    static Stream<Arguments> productsWithANulCharacter() {
        ProductRequest p = valid();
        return Stream.of(
                arguments("sku", new ProductRequest("SKU\0", p.title(), p.description(), p.price(), p.currency(), p.attributes(), p.images())),
                arguments("title", new ProductRequest(p.sku(), "Ket\0tle", p.description(), p.price(), p.currency(), p.attributes(), p.images())),
                arguments("description", new ProductRequest(p.sku(), p.title(), "\0", p.price(), p.currency(), p.attributes(), p.images())),
                arguments("currency", new ProductRequest(p.sku(), p.title(), p.description(), p.price(), "EU\0", p.attributes(), p.images())),
                arguments("attributes", new ProductRequest(p.sku(), p.title(), p.description(), p.price(), p.currency(),
                        Map.of("col\0our", "red"), p.images())),
                arguments("attributes", new ProductRequest(p.sku(), p.title(), p.description(), p.price(), p.currency(),
                        Map.of("colour", "red\0"), p.images())),
                arguments("images", new ProductRequest(p.sku(), p.title(), p.description(), p.price(), p.currency(), p.attributes(),
                        List.of(new Image("https://cdn.example.com/k.png"), new Image("https://cdn.example.com/k\0.png")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("productsWithANulCharacter")
    void aNulCharacterInAnyTextIsTheFirstViolationAndIsNotEchoed(String field, ProductRequest product) {
        Violation first = ProductValidator.validate(product).get(0);

        assertThat(first.code()).isEqualTo("NUL_CHARACTER");
        assertThat(first.message()).endsWith("found in " + field).doesNotContain("\0");
    }

    @Test
    void nulCharactersInSeveralFieldsAreReportedOnce() {
        ProductRequest p = valid();
        List<Violation> violations = ProductValidator.validate(new ProductRequest(p.sku(), "\0", "\0", p.price(), p.currency(),
                Map.of("a", "\0", "b", "\0"), p.images()));

        assertThat(violations).extracting(Violation::message)
                .containsExactly("NUL characters (U+0000) cannot be stored: found in title, description, attributes");
    }

    @Test
    void skuCurrencyAndSizesAreChecked() {
        ProductRequest p = valid();
        assertThat(codes(new ProductRequest("has space", p.title(), null, p.price(), "eur", null, null)))
                .containsExactlyInAnyOrder("SKU_INVALID", "CURRENCY_INVALID");
        assertThat(codes(new ProductRequest(p.sku(), "x".repeat(501), null, p.price(), "EUR", Map.of("k", "v".repeat(1001)),
                java.util.Collections.nCopies(11, new Image("http://a/b.png")))))
                .containsExactlyInAnyOrder("TITLE_TOO_LONG", "ATTRIBUTE_INVALID", "TOO_MANY_IMAGES");
    }
}
