package io.catalogingest.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.catalogingest.ingest.api.ProductRequest;
import io.catalogingest.ingest.api.ProductRequest.Image;
import org.junit.jupiter.api.Test;

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
