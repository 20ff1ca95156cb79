package io.catalogingest.status.streams;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.catalogingest.schemas.Stage;
import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.core.OutcomeChunk;
import io.catalogingest.status.store.ItemChunk;
import io.catalogingest.status.store.StoreKeys;
import io.catalogingest.status.store.StoredFailure;
import io.catalogingest.status.store.UploadProgress;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.roaringbitmap.PeekableIntIterator;

/**
 * Answers reads from this instance's local stores; nothing else is asked on the way. A read about
 * one upload asks only its partition's store, so a task still restoring answers "not ready", never
 * "no such upload".
 */
public final class StatusStores implements StatusQueries {
    private final StatusStreams streams;
    private final StreamsOwnership ownership;

    public StatusStores(StatusStreams streams, StreamsOwnership ownership) {
        this.streams = streams;
        this.ownership = ownership;
    }

    @Override
    public Optional<UploadProgress> progress(String uploadId) {
        ReadOnlyKeyValueStore<String, UploadProgress> store =
                streams.store(StatusTopology.PROGRESS_STORE, ownership.partitionOf(uploadId));
        return read(() -> Optional.ofNullable(store.get(uploadId)));
    }

    /** Visits every upload of the partitions this instance holds active, e.g. for {@link io.catalogingest.status.core.ProgressWatch}. */
    public void eachUpload(Consumer<UploadProgress> visitor) {
        ReadOnlyKeyValueStore<String, UploadProgress> progress = streams.store(StatusTopology.PROGRESS_STORE, null);
        read(() -> {
            try (KeyValueIterator<String, UploadProgress> all = progress.all()) {
                all.forEachRemaining(entry -> visitor.accept(entry.value));
            }
            return null;
        });
    }

    @Override
    public void items(String uploadId, int fromIndex, BiPredicate<Integer, List<ItemView>> visitor) {
        int partition = ownership.partitionOf(uploadId);
        ReadOnlyKeyValueStore<String, ItemChunk> chunks = streams.store(StatusTopology.CHUNKS_STORE, partition);
        ReadOnlyKeyValueStore<String, StoredFailure> failures = streams.store(StatusTopology.FAILURES_STORE, partition);
        read(() -> {
            visitItems(chunks, failures, uploadId, fromIndex, visitor);
            return null;
        });
    }

    /** Chunk by chunk, in index order; a failure's reason is read only for the items shown. */
    static void visitItems(ReadOnlyKeyValueStore<String, ItemChunk> chunks, ReadOnlyKeyValueStore<String, StoredFailure> failures,
            String uploadId, int fromIndex, BiPredicate<Integer, List<ItemView>> visitor) {
        String from = StoreKeys.chunk(uploadId, OutcomeChunk.chunkOf(fromIndex));
        try (KeyValueIterator<String, ItemChunk> it = chunks.range(from, StoreKeys.uploadEnd(uploadId))) {
            while (it.hasNext()) {
                OutcomeChunk chunk = OutcomeChunk.of(it.next().value);
                PeekableIntIterator items = chunk.items().getIntIterator();
                items.advanceIfNeeded(fromIndex);
                while (items.hasNext()) {
                    int item = items.next();
                    List<ItemView> views = ItemView.of(item, chunk,
                            stage -> failures.get(StoreKeys.failure(uploadId, item, stage)));
                    if (!visitor.test(item, views)) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public List<ListedUpload> merchantUploads(String merchantId, String after, int limit, Predicate<UploadProgress> filter) {
        streams.requireRunning();
        Set<Integer> partitions = ownership.localPartitions();
        if (partitions.isEmpty()) {
            return List.of(); // a new instance that only warms state up owns no upload yet
        }
        ReadOnlyKeyValueStore<String, UploadProgress> progress = streams.store(StatusTopology.PROGRESS_STORE, null);
        return read(() -> {
            // Each partition's index is sorted, newest first: take the first matches of each, then merge.
            List<ListedUpload> page = new ArrayList<>();
            for (int partition : partitions) {
                ReadOnlyKeyValueStore<String, String> index = streams.store(StatusTopology.MERCHANT_UPLOADS_STORE, partition);
                int[] taken = {0};
                visitMerchantUploads(index, merchantId, after, (position, uploadId) -> {
                    UploadProgress p = progress.get(uploadId);
                    if (p != null && filter.test(p)) {
                        page.add(new ListedUpload(position, p));
                        taken[0]++;
                    }
                    return taken[0] < limit;
                });
            }
            page.sort(Comparator.comparing(ListedUpload::position));
            return page.size() > limit ? List.copyOf(page.subList(0, limit)) : page;
        });
    }

    /**
     * Visits a merchant's entries of one partition's upload index, newest first, after the list
     * position {@code after} (null: from the start), as (position, upload id) until the visitor
     * answers false.
     */
    static void visitMerchantUploads(ReadOnlyKeyValueStore<String, String> index, String merchantId, String after,
            BiPredicate<String, String> visitor) {
        String prefix = StoreKeys.merchantPrefix(merchantId);
        String from = after == null ? prefix : prefix + after + "\u0000";
        try (KeyValueIterator<String, String> it = index.range(from, prefix + "\uffff")) {
            while (it.hasNext()) {
                KeyValue<String, String> next = it.next();
                if (!visitor.test(next.key.substring(prefix.length()), next.value)) {
                    return;
                }
            }
        }
    }

    private static <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw new StatusStreams.NotReadyException(e.getMessage());
        }
    }
}
