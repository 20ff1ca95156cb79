package io.catalogingest.common.items;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Binding of one JSON object to a product; a field of the wrong type refuses only that item. */
final class Items {
    private Items() {}

    static ParsedItem fromTree(ObjectMapper json, JsonNode tree) {
        String sku = tree.path("sku").isTextual() ? tree.path("sku").asText() : null;
        try {
            return ParsedItem.of(json.treeToValue(tree, ProductRequest.class));
        } catch (JsonProcessingException e) {
            return ParsedItem.unreadable(sku, "ITEM_MALFORMED", "a field has the wrong type: " + e.getOriginalMessage());
        }
    }
}
