package io.catalogingest.common.items;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.catalogingest.common.api.Problem;

/**
 * Walks an upload body item by item: each item is accepted or refused with the first rule it
 * breaks, and a SKU may appear once per upload. The ingest API scans a body to answer the merchant;
 * the splitter scans the same body again and gets the same verdicts, index for index.
 */
public final class ItemScan {
    /** Errors listed in an answer; the count covers all of them. */
    public static final int MAX_LISTED_ERRORS = 100;

    /** What happens to each item, in body order. */
    public interface Sink {
        void accepted(int index, ProductRequest product) throws IOException;

        void refused(int index, String sku, Violation violation) throws IOException;
    }

    /** Items seen and refused, with the first {@link #MAX_LISTED_ERRORS} refusals. */
    public record Counts(int total, int refused, List<Problem.ItemError> errors) {}

    private ItemScan() {}

    /** Scans the whole body; an upload with more than {@code maxItems} items is refused with 413. */
    public static Counts scan(ItemReader items, int maxItems, Sink sink) throws IOException, UploadRefusedException {
        SkuSet skus = new SkuSet();
        List<Problem.ItemError> errors = new ArrayList<>();
        int index = 0;
        int refused = 0;
        for (ParsedItem item = items.next(); item != null; item = items.next(), index++) {
            if (index >= maxItems) {
                throw new UploadRefusedException(Problem.of(413, "TOO_MANY_ITEMS", "Upload too large",
                        "an upload holds at most " + maxItems + " items"));
            }
            Violation violation = firstViolation(item, skus);
            if (violation == null) {
                sink.accepted(index, item.product());
                continue;
            }
            refused++;
            if (errors.size() < MAX_LISTED_ERRORS) {
                errors.add(new Problem.ItemError(index, item.sku(), violation.code(), violation.message()));
            }
            sink.refused(index, item.sku(), violation);
        }
        return new Counts(index, refused, errors);
    }

    private static Violation firstViolation(ParsedItem item, SkuSet skus) {
        if (item.unreadable() != null) {
            return item.unreadable();
        }
        List<Violation> violations = ProductValidator.validate(item.product());
        if (!violations.isEmpty()) {
            return violations.size() == 1 ? violations.get(0) : new Violation(violations.get(0).code(),
                    String.join("; ", violations.stream().map(Violation::message).toList()));
        }
        if (!skus.add(item.product().sku())) {
            return new Violation("DUPLICATE_SKU", "sku " + item.product().sku() + " appears earlier in this upload");
        }
        return null;
    }
}
