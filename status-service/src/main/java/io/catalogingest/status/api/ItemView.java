package io.catalogingest.status.api;

import java.util.ArrayList;
import java.util.List;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;

/** One stage's latest outcome for one item, as {@code GET /v1/uploads/{id}/items} lists it. */
public record ItemView(int itemIndex, String sku, String stage, String outcome, String code, String message, int attempt) {

    public static ItemView of(ItemProcessed p) {
        return new ItemView(p.getItemIndex(), p.getSku(), p.getStage().name(), p.getOutcome().name(), p.getErrorCode(),
                p.getErrorMessage(), p.getAttempt());
    }

    /** The item's outcomes in stage order: validation, catalog, images. */
    public static List<ItemView> of(ItemState state) {
        List<ItemView> views = new ArrayList<>(2);
        for (ItemProcessed p : new ItemProcessed[] {state.getValidation(), state.getCatalog(), state.getImages()}) {
            if (p != null) {
                views.add(of(p));
            }
        }
        return views;
    }

    /** A page of items and the cursor of the next one, null on the last page. */
    public record Page(List<ItemView> items, String nextCursor) {}
}
