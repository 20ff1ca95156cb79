package io.catalogingest.status.streams;

import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.store.UploadProgress;

/**
 * What the status resources read: this instance's share of the fold's state, from its local
 * stores only. A store that cannot answer yet throws {@link StatusStreams.NotReadyException}.
 */
public interface StatusQueries {
    /** One entry of a merchant's upload list; {@code position} orders newest first and is the cursor. */
    record ListedUpload(String position, UploadProgress progress) {}

    Optional<UploadProgress> progress(String uploadId);

    /**
     * Visits the upload's items that have any outcome, in index order from {@code fromIndex}, with
     * their outcomes in stage order, until the visitor answers false.
     */
    void items(String uploadId, int fromIndex, BiPredicate<Integer, List<ItemView>> visitor);

    /**
     * Up to {@code limit} of the merchant's uploads held by this instance, newest first, after the
     * cursor position, that pass the filter.
     */
    List<ListedUpload> merchantUploads(String merchantId, String after, int limit, Predicate<UploadProgress> filter);
}
