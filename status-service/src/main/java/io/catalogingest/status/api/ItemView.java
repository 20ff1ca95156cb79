package io.catalogingest.status.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.catalogingest.schemas.Stage;
import io.catalogingest.status.core.OutcomeChunk;
import io.catalogingest.status.store.StoredFailure;

/**
 * One stage's outcome for one item, as {@code GET /v1/uploads/{id}/items} and the report list it.
 * Successes are kept as sets of item indices, so a success names no SKU and no attempt; a failure
 * names both, with its code and message.
 */
public record ItemView(int itemIndex, String sku, String stage, String outcome, String code, String message, Integer attempt) {
    /** The code of items a stage skipped because the upload was cancelled. */
    public static final String CANCELLED = "UPLOAD_CANCELLED";

    private static final Stage[] LISTED = {Stage.VALIDATION, Stage.CATALOG, Stage.IMAGES};

    /** The item's outcomes in stage order: validation, catalog, images; {@code reason} gives a failure's reason. */
    public static List<ItemView> of(int item, OutcomeChunk chunk, Function<Stage, StoredFailure> reason) {
        List<ItemView> views = new ArrayList<>(2);
        for (Stage stage : LISTED) {
            OutcomeChunk.Verdict verdict = chunk.verdict(stage, item);
            if (verdict == null) {
                continue;
            }
            views.add(switch (verdict) {
                case SUCCEEDED -> new ItemView(item, null, stage.name(), "SUCCEEDED", null, null, null);
                case SKIPPED -> new ItemView(item, null, stage.name(), "FAILED", CANCELLED,
                        "the upload was cancelled before this stage processed the item", null);
                case FAILED -> failed(item, stage, reason.apply(stage));
            });
        }
        return views;
    }

    private static ItemView failed(int item, Stage stage, StoredFailure failure) {
        if (failure == null) { // read between the fold's writes of the set and of the reason
            return new ItemView(item, null, stage.name(), "FAILED", "UNKNOWN", null, null);
        }
        return new ItemView(item, failure.getSku().isEmpty() ? null : failure.getSku(), stage.name(), "FAILED",
                failure.getErrorCode(), failure.getErrorMessage(), failure.getAttempt());
    }

    /** A page of items and the cursor of the next one, null on the last page. */
    public record Page(List<ItemView> items, String nextCursor) {}
}
