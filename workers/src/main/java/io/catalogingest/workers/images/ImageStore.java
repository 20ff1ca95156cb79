package io.catalogingest.workers.images;

import java.util.Set;

import io.catalogingest.common.Sha256;
import io.catalogingest.workers.core.ItemFailure;

/**
 * Stores image bytes under their SHA-256 content address. The caller names the objects it knows
 * are stored (the product's gallery rows, written only after their bytes): those are not sent
 * again. Any other object is PUT without asking the store first; a repeat writes the same bytes.
 */
public final class ImageStore {
    private final ObjectStorage storage;
    private final long maxPixels;

    public ImageStore(ObjectStorage storage, long maxPixels) {
        this.storage = storage;
        this.maxPixels = maxPixels;
    }

    public StoredImage store(int position, String sourceUrl, byte[] bytes, Set<String> knownObjects) throws ItemFailure {
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() ->
                new ItemFailure("NOT_AN_IMAGE", sourceUrl + " is not a JPEG, PNG, GIF or WebP image", true));
        // Read from the header before anything is stored: a small file can declare a huge bitmap.
        ImageInspector.Dimensions d = ImageInspector.dimensions(bytes).orElseThrow(() -> new ItemFailure(
                "IMAGE_UNREADABLE", sourceUrl + " is a " + format + " whose dimensions cannot be read", true));
        if (d.pixels() > maxPixels) {
            throw new ItemFailure("IMAGE_TOO_MANY_PIXELS", sourceUrl + " is " + d.width() + "x" + d.height()
                    + " pixels, more than " + maxPixels, true);
        }
        String sha256 = Sha256.hex(bytes);
        String key = StoredImage.objectKey(sha256, format);
        if (!knownObjects.contains(key)) {
            storage.put(key, format.contentType, bytes);
        }
        return new StoredImage(position, sourceUrl, sha256, key, format.contentType, bytes.length, d.width(), d.height());
    }
}
