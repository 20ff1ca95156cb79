package io.catalogingest.status.streams;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.UploadProgress;

/**
 * What the status resources read: this instance's share of the fold's state, and where the rest
 * lives. {@link StatusStreams} answers from its Kafka Streams stores. A store that cannot answer
 * yet throws {@link StatusStreams.NotReadyException}.
 */
public interface StatusQueries {
    /** One entry of a merchant's upload list; {@code position} orders newest first and is the cursor. */
    record ListedUpload(String position, UploadProgress progress) {}

    Optional<UploadProgress> progress(String uploadId);

    /** Visits the upload's items in index order from {@code fromIndex} until the visitor answers false. */
    void items(String uploadId, int fromIndex, BiPredicate<Integer, ItemState> visitor);

    /**
     * Up to {@code limit} of the merchant's uploads held by this instance, newest first, after the
     * cursor position, that pass the filter.
     */
    List<ListedUpload> merchantUploads(String merchantId, String after, int limit, Predicate<UploadProgress> filter);

    /** Every other instance of this application, for queries that span all uploads of a merchant. */
    List<URI> otherInstances();
}
