package io.catalogingest.workers.images;


import io.catalogingest.common.Sha256;
import io.catalogingest.workers.images.ImageFormat;
import io.catalogingest.workers.images.ImageInspector;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.images.StoredImage;

/** Stores image bytes under their SHA-256 content address; bytes already there are not sent again. */
public final class ImageStore {
    private final ObjectStorage storage;
    private final long maxPixels;

    public ImageStore(ObjectStorage storage, long maxPixels) {
        this.storage = storage;
        this.maxPixels = maxPixels;
    }

    public StoredImage store(int position, String sourceUrl, byte[] bytes) throws ItemFailure {
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
        if (!storage.exists(key)) {
            storage.put(key, format.contentType, bytes);
        }
        return new StoredImage(position, sourceUrl, sha256, key, format.contentType, bytes.length, d.width(), d.height());
    }
}
