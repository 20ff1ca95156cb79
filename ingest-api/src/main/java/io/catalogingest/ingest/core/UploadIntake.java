package io.catalogingest.ingest.core;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.catalogingest.common.api.Problem;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;

/**
 * Reads, validates and writes one upload. Valid items become products; invalid ones are refused
 * one by one and reported as VALIDATION failures, unless the merchant asked for all or nothing.
 * The caller commits the writer's transaction only when this returns.
 */
public final class UploadIntake {
    /** Errors listed in an answer; the count covers all of them. */
    public static final int MAX_LISTED_ERRORS = 100;

    public record Result(int totalItems, int refusedItems, List<Problem.ItemError> errors) {}

    private final int maxItems;

    public UploadIntake(int maxItems) {
        this.maxItems = maxItems;
    }

    public Result intake(String uploadId, String merchantId, Instant acceptedAt, ItemReader items, boolean allOrNothing,
            UploadWriter out) throws IOException, UploadRefusedException {
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
                if (refused == 0 || !allOrNothing) {
                    out.product(Products.submitted(uploadId, merchantId, index, item.product(), acceptedAt));
                }
                continue;
            }
            refused++;
            if (errors.size() < MAX_LISTED_ERRORS) {
                errors.add(new Problem.ItemError(index, item.sku(), violation.code(), violation.message()));
            }
            if (!allOrNothing) {
                out.refused(refusal(uploadId, index, item.sku(), violation, acceptedAt));
            }
        }
        if (index == 0) {
            throw new UploadRefusedException(Problem.of(422, "EMPTY_UPLOAD", "Empty upload", "the upload holds no products"));
        }
        if (refused > 0 && (allOrNothing || refused == index)) {
            throw UploadRefusedException.invalidItems(refused, errors);
        }
        out.accepted(new UploadAccepted(uploadId, merchantId, index, refused, acceptedAt));
        return new Result(index, refused, errors);
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

    private static ItemProcessed refusal(String uploadId, int index, String sku, Violation v, Instant at) {
        return ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(index).setSku(sku == null ? "" : sku)
                .setStage(Stage.VALIDATION).setOutcome(Outcome.FAILED).setErrorCode(v.code())
                .setErrorMessage(v.message()).setProcessedAt(at).build();
    }
}
