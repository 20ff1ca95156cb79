package io.catalogingest.workers.images;

/** An image of a product as stored: where it came from and under which content address. */
public record StoredImage(int position, String sourceUrl, String sha256, String objectKey, String contentType,
        long sizeBytes, Integer width, Integer height) {

    /** Identical bytes share one object, whichever product or URL they came from. */
    public static String objectKey(String sha256, ImageFormat format) {
        return "images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + "." + format.extension;
    }
}
