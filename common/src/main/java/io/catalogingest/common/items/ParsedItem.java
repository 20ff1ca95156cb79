package io.catalogingest.common.items;


/** One item read from an upload body: a product, or why it could not be read as one. */
public record ParsedItem(ProductRequest product, String sku, Violation unreadable) {
    public static ParsedItem of(ProductRequest product) {
        return new ParsedItem(product, product.sku(), null);
    }

    public static ParsedItem unreadable(String sku, String code, String message) {
        return new ParsedItem(null, sku, new Violation(code, message));
    }
}
