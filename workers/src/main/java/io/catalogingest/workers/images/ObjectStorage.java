package io.catalogingest.workers.images;

/** Where image bytes are kept, by key. Keys are content addresses: a second put of a key writes the same bytes. */
@FunctionalInterface
public interface ObjectStorage {
    void put(String key, String contentType, byte[] bytes);
}
