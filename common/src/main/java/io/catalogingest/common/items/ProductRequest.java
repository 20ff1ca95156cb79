package io.catalogingest.common.items;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One product as a merchant submits it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProductRequest(String sku, String title, String description, BigDecimal price, String currency,
        Map<String, String> attributes, List<Image> images) {

    public ProductRequest {
        attributes = attributes == null ? Map.of() : attributes;
        images = images == null ? List.of() : images;
    }

    /** An image is given as its URL, or as an object with a url. Display order is the list order. */
    public record Image(String url) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Image of(String url) {
            return new Image(url);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public static Image ofObject(@com.fasterxml.jackson.annotation.JsonProperty("url") String url) {
            return new Image(url);
        }
    }
}
