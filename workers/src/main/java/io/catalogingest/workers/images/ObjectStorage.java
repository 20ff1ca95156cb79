package io.catalogingest.workers.images;

/** Where image bytes are kept, by key. */
public interface ObjectStorage {
    boolean exists(String key);

    void put(String key, String contentType, byte[] bytes);
}
