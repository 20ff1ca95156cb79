package io.catalogingest.status.store;

import java.time.Instant;

import io.catalogingest.schemas.Stage;
import io.catalogingest.status.core.ListPosition;
import io.catalogingest.status.core.SortableNumber;

/**
 * Keys of the fold's stores. Numbers are zero-padded so that a range scan of one upload returns
 * its chunks and failures in index order, and the expiry index in time order.
 */
public final class StoreKeys {
    private StoreKeys() {}

    /** Everything of one upload in the chunk and failure stores starts with this. */
    public static String uploadPrefix(String uploadId) {
        return uploadId + "/";
    }

    /** The end of an upload's key range: after every key that starts with its prefix. */
    public static String uploadEnd(String uploadId) {
        return uploadId + "/\uffff";
    }

    public static String chunk(String uploadId, int chunk) {
        return uploadPrefix(uploadId) + SortableNumber.of(chunk, 5);
    }

    /** Validation, catalog, images: the order in which an item's outcomes are listed. */
    public static String failure(String uploadId, int itemIndex, Stage stage) {
        return uploadPrefix(uploadId) + SortableNumber.of(itemIndex, 10) + "/" + stageOrder(stage);
    }

    public static int stageOrder(Stage stage) {
        return switch (stage) {
            case VALIDATION -> 0;
            case CATALOG -> 1;
            case IMAGES -> 2;
        };
    }

    /** Newest first within a merchant. */
    public static String merchantUpload(String merchantId, Instant acceptedAt, String uploadId) {
        return merchantPrefix(merchantId) + ListPosition.of(acceptedAt, uploadId);
    }

    public static String merchantPrefix(String merchantId) {
        return merchantId + "/";
    }

    /** An entry of the expiry index: due at {@code dueMillis}. */
    public static String expiry(long dueMillis, String uploadId) {
        return SortableNumber.of(dueMillis, 13) + "/" + uploadId;
    }

    /** The first key after every expiry entry due at or before {@code nowMillis}. */
    public static String expiryEnd(long nowMillis) {
        return SortableNumber.of(nowMillis, 13) + "/\uffff";
    }

    public static String expiredUpload(String expiryKey) {
        return expiryKey.substring(expiryKey.indexOf('/') + 1);
    }
}
