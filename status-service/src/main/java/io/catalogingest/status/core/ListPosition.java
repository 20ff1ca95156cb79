package io.catalogingest.status.core;

import java.time.Instant;

/** Where an upload sits in its merchant's list: newest first, ties by id. Also the list's cursor. */
public final class ListPosition {
    private ListPosition() {}

    public static String of(Instant acceptedAt, String uploadId) {
        return SortableNumber.of(Long.MAX_VALUE - acceptedAt.toEpochMilli(), 19) + "/" + uploadId;
    }
}
