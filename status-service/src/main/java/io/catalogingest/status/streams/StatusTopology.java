package io.catalogingest.status.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroSerdes;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.status.core.OutcomeChunk;
import io.catalogingest.status.core.ProgressFold;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.store.ItemChunk;
import io.catalogingest.status.store.StoreKeys;
import io.catalogingest.status.store.StoreSerdes;
import io.catalogingest.status.store.StoredFailure;
import io.catalogingest.status.store.UploadProgress;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.roaringbitmap.RoaringBitmap;

/**
 * The status fold. UploadAccepted, UploadSplit, ItemOutcomes (and ItemProcessed written before
 * outcomes were batched) and UploadCancelled records, all keyed by upload id and so co-partitioned,
 * go through one processor. Per upload it keeps its progress, its outcomes as sets of item indices
 * per range of 65,536 items ({@link OutcomeChunk}), the reason of each failure, and an entry in its
 * merchant's index, newest first. When an upload finishes it emits one UploadFinished event for the
 * webhooks, and a finished upload's state is removed once {@code retention} has passed. Every
 * store is changelogged, so state survives restarts; exactly-once processing keeps store, event and
 * offsets in step. Records it cannot read or fold go to the status dead-letter topic
 * ({@link FoldDeadLetters}).
 */
public final class StatusTopology {
    /** The topics the fold reads. */
    public static final List<String> INPUTS = List.of(Topics.UPLOADS, Topics.UPLOAD_SPLITS, Topics.OUTCOMES, Topics.RESULTS,
            Topics.CANCELLATIONS);
    public static final String PROGRESS_STORE = "upload-progress-v2";
    public static final String CHUNKS_STORE = "item-chunks-v2";
    public static final String FAILURES_STORE = "item-failures-v2";
    public static final String MERCHANT_UPLOADS_STORE = "merchant-uploads";
    public static final String EXPIRY_STORE = "upload-expiry";

    /**
     * How long a finished upload's state is kept, how often the fold looks for expired ones, and
     * how many keys one look may delete at most (the fold waits while it deletes; what is left of
     * a backlog goes at the next look; an upload larger than that still goes whole).
     */
    public record Retention(Duration keep, Duration checkEvery, int keysPerCheck) {
        public Retention(Duration keep, Duration checkEvery) {
            this(keep, checkEvery, 100_000);
        }
    }

    /** Expiry entries read per range scan of a look for expired uploads. */
    private static final int EXPIRED_PER_SCAN = 1_000;

    /** An upload unfinished this long can no longer finish: even its dead letters are gone. */
    static final Duration UNFINISHED = Topics.DEAD_LETTER_RETENTION;

    private StatusTopology() {}

    public static Topology build(SchemaRegistry registry, Retention retention) {
        StreamsBuilder builder = new StreamsBuilder();
        // Cached: an upload's progress and chunks change with every batch; the cache folds those
        // changes into one RocksDB write and one changelog record per commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), StoreSerdes.progress()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHUNKS_STORE),
                Serdes.String(), StoreSerdes.chunks()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FAILURES_STORE),
                Serdes.String(), StoreSerdes.failures()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MERCHANT_UPLOADS_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.stream(INPUTS,
                        Consumed.with(Serdes.String(), AvroSerdes.anyRecord(registry)))
                .process(() -> new FoldProcessor(retention), PROGRESS_STORE, CHUNKS_STORE, FAILURES_STORE,
                        MERCHANT_UPLOADS_STORE, EXPIRY_STORE)
                .to(Topics.UPLOAD_EVENTS, Produced.with(Serdes.String(), AvroSerdes.of(registry, UploadFinished.class)));
        return builder.build();
    }

    /** A record the fold cannot take: sent to the status dead-letter topic, never retried. */
    static final class PoisonRecordException extends RuntimeException {
        PoisonRecordException(String message) {
            super(message);
        }
    }

    private static final class FoldProcessor implements Processor<String, SpecificRecord, String, UploadFinished> {
        private final Retention retention;
        private ProcessorContext<String, UploadFinished> context;
        private KeyValueStore<String, UploadProgress> progress;
        private KeyValueStore<String, ItemChunk> chunks;
        private KeyValueStore<String, StoredFailure> failures;
        private KeyValueStore<String, String> merchantUploads;
        private KeyValueStore<String, String> expiry;

        FoldProcessor(Retention retention) {
            this.retention = retention;
        }

        @Override
        public void init(ProcessorContext<String, UploadFinished> context) {
            this.context = context;
            progress = context.getStateStore(PROGRESS_STORE);
            chunks = context.getStateStore(CHUNKS_STORE);
            failures = context.getStateStore(FAILURES_STORE);
            merchantUploads = context.getStateStore(MERCHANT_UPLOADS_STORE);
            expiry = context.getStateStore(EXPIRY_STORE);
            context.schedule(retention.checkEvery(), PunctuationType.WALL_CLOCK_TIME, this::expire);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            String uploadId = record.key();
            SpecificRecord value = record.value();
            // Checked before anything is written: a poison record leaves no trace in the state.
            if (uploadId == null) {
                throw new PoisonRecordException("record without a key (an upload id)");
            }
            if (value == null) {
                throw new PoisonRecordException("record without a value");
            }
            // Times shown are the records' own, so every fold of the same records (a restore, another
            // instance) answers alike; precedence never depends on them.
            Instant now = Instant.ofEpochMilli(record.timestamp());
            UploadProgress before = progress.get(uploadId);
            UploadProgress current = before == null ? ProgressFold.empty(uploadId) : before;
            UploadProgress after;
            if (value instanceof ItemOutcomes outcomes) {
                after = ProgressFold.counted(current, fold(uploadId, Batch.of(outcomes)), now);
            } else if (value instanceof UploadAccepted accepted) {
                after = ProgressFold.accepted(current, accepted, now);
                // Built before anything is written: a time it cannot sort by leaves no trace.
                String listed = StoreKeys.merchantUpload(accepted.getMerchantId(), accepted.getAcceptedAt(), uploadId);
                if (current.getMerchantId() != null && current.getAcceptedAt() != null) {
                    // Accepted again (a claim taken over): listed once, at its latest acceptance.
                    merchantUploads.delete(StoreKeys.merchantUpload(current.getMerchantId(), current.getAcceptedAt(), uploadId));
                }
                merchantUploads.put(listed, uploadId);
            } else if (value instanceof UploadSplit split) {
                after = ProgressFold.split(current, split, now);
            } else if (value instanceof UploadCancelled) {
                after = ProgressFold.cancelled(current, now);
            } else if (value instanceof ItemProcessed item) {
                after = ProgressFold.counted(current, fold(uploadId, Batch.of(item)), now);
            } else {
                throw new PoisonRecordException("the fold takes no " + value.getSchema().getFullName());
            }
            after = withExpiry(before, current, after);
            if (!after.equals(before)) {
                progress.put(uploadId, after);
                Instant previous = before == null ? null : before.getExpiresAt();
                if (after.getExpiresAt() != null && !after.getExpiresAt().equals(previous)) {
                    // One expiry entry per upload, due at its expiresAt, which may come sooner now (it finished).
                    if (previous != null) {
                        expiry.delete(StoreKeys.expiry(previous.toEpochMilli(), uploadId));
                    }
                    expiry.put(StoreKeys.expiry(after.getExpiresAt().toEpochMilli(), uploadId), uploadId);
                }
                ProgressFold.finished(current, after)
                        .ifPresent(event -> context.forward(new Record<>(uploadId, event, record.timestamp())));
            }
        }

        /** Applies one batch to the upload's chunks and failure reasons; answers the change of its counts. */
        private OutcomeChunk.Counts fold(String uploadId, Batch batch) {
            OutcomeChunk.Counts change = OutcomeChunk.Counts.NONE;
            for (int c : batch.chunks()) {
                String key = StoreKeys.chunk(uploadId, c);
                ItemChunk stored = chunks.get(key);
                OutcomeChunk chunk = stored == null ? OutcomeChunk.empty() : OutcomeChunk.of(stored);
                OutcomeChunk.Counts was = chunk.counts();
                chunk.succeeded(batch.stage(), OutcomeChunk.within(batch.succeeded(), c))
                        .forEach((int item) -> failures.delete(StoreKeys.failure(uploadId, item, batch.stage())));
                for (FailedItem f : batch.failuresIn(c)) {
                    if (chunk.failed(batch.stage(), f.getItemIndex())) {
                        failures.put(StoreKeys.failure(uploadId, f.getItemIndex(), batch.stage()),
                                new StoredFailure(f.getSku(), f.getErrorCode(), f.getErrorMessage(), f.getAttempt()));
                    }
                }
                chunk.skipped(batch.stage(), OutcomeChunk.within(batch.skipped(), c));
                chunks.put(key, chunk.toStored());
                change = change.plus(chunk.counts().minus(was));
            }
            return change;
        }

        /**
         * When the state goes, by the fold's wall clock: {@code keep} after it finished, or after it
         * appeared without its upload record (outcomes of an upload long gone); an accepted upload
         * that never finishes goes {@code keep} after the dead letters that could still finish it.
         */
        private UploadProgress withExpiry(UploadProgress before, UploadProgress current, UploadProgress after) {
            Instant wallClock = Instant.ofEpochMilli(context.currentSystemTimeMs());
            Instant expiresAt;
            if (!UploadStatus.of(current).isFinal() && UploadStatus.of(after).isFinal()) {
                expiresAt = wallClock.plus(retention.keep());
            } else if (before == null) {
                expiresAt = wallClock.plus(retention.keep()).plus(after.getMerchantId() == null ? Duration.ZERO : UNFINISHED);
            } else if (current.getMerchantId() == null && after.getMerchantId() != null && !UploadStatus.of(after).isFinal()) {
                expiresAt = wallClock.plus(retention.keep()).plus(UNFINISHED);
            } else {
                return after;
            }
            return UploadProgress.newBuilder(after).setExpiresAt(expiresAt).build();
        }

        /** Removes the state of uploads whose expiresAt has passed, up to the keys of one look; moves the entries of the others. */
        private void expire(long nowMillis) {
            int deleted = 0;
            String from = null;
            while (deleted < retention.keysPerCheck()) {
                List<KeyValue<String, String>> due = new ArrayList<>();
                // Each scan starts after the last entry handled, not over its tombstones again;
                // moved entries land after expiryEnd(now), so none is missed.
                try (KeyValueIterator<String, String> it = expiry.range(from, StoreKeys.expiryEnd(nowMillis))) {
                    while (it.hasNext() && due.size() < EXPIRED_PER_SCAN) {
                        due.add(it.next());
                    }
                }
                if (due.isEmpty()) {
                    return;
                }
                for (int i = 0; i < due.size() && deleted < retention.keysPerCheck(); i++) {
                    deleted += expire(due.get(i), nowMillis);
                    from = due.get(i).key + "\u0000";
                }
            }
        }

        /** Purges or moves one due expiry entry; answers how many keys it deleted. */
        private int expire(KeyValue<String, String> entry, long nowMillis) {
            int deleted = 1;
            UploadProgress p = progress.get(entry.value);
            if (p != null) {
                Instant expiresAt = p.getExpiresAt() != null ? p.getExpiresAt() : storedBeforeExpiresAt(p, nowMillis);
                if (expiresAt.toEpochMilli() <= nowMillis) {
                    deleted += purge(p);
                } else {
                    if (p.getExpiresAt() == null) {
                        progress.put(entry.value, UploadProgress.newBuilder(p).setExpiresAt(expiresAt).build());
                    }
                    expiry.put(StoreKeys.expiry(expiresAt.toEpochMilli(), entry.value), entry.value);
                }
            }
            expiry.delete(entry.key);
            return deleted;
        }

        /** State stored before expiresAt existed: expired as that version did, unfinished uploads bounded from now. */
        private Instant storedBeforeExpiresAt(UploadProgress p, long nowMillis) {
            Instant now = Instant.ofEpochMilli(nowMillis);
            if (p.getMerchantId() == null) {
                return now;
            }
            UploadStatus status = UploadStatus.of(p);
            if (status.isFinal()) {
                return (status == UploadStatus.CANCELLED ? p.getCancelledAt() : p.getCompletedAt()).plus(retention.keep());
            }
            return now.plus(retention.keep()).plus(UNFINISHED);
        }

        /** Deletes every key of the upload; answers how many. */
        private int purge(UploadProgress p) {
            String uploadId = p.getUploadId();
            progress.delete(uploadId);
            int deleted = 1;
            if (p.getMerchantId() != null && p.getAcceptedAt() != null) {
                merchantUploads.delete(StoreKeys.merchantUpload(p.getMerchantId(), p.getAcceptedAt(), uploadId));
                deleted++;
            }
            return deleted + deleteRange(chunks, uploadId) + deleteRange(failures, uploadId);
        }

        private static int deleteRange(KeyValueStore<String, ?> store, String uploadId) {
            List<String> keys = new ArrayList<>();
            try (var it = store.range(StoreKeys.uploadPrefix(uploadId), StoreKeys.uploadEnd(uploadId))) {
                it.forEachRemaining(kv -> keys.add(kv.key));
            }
            keys.forEach(store::delete);
            return keys.size();
        }
    }

    /** One record's outcomes, decoded before anything is written, with the chunks they touch. */
    private record Batch(Stage stage, RoaringBitmap succeeded, RoaringBitmap skipped, Map<Integer, List<FailedItem>> failures,
            RoaringBitmap chunkSet) {

        static Batch of(ItemOutcomes outcomes) {
            RoaringBitmap succeeded = OutcomeBatch.fromBytes(outcomes.getSucceeded());
            RoaringBitmap skipped = OutcomeBatch.fromBytes(outcomes.getSkipped());
            Map<Integer, List<FailedItem>> failures = new TreeMap<>();
            RoaringBitmap chunkSet = new RoaringBitmap();
            for (FailedItem f : outcomes.getFailures()) {
                if (f.getItemIndex() < 0) {
                    throw new PoisonRecordException("a failure of item " + f.getItemIndex());
                }
                failures.computeIfAbsent(OutcomeChunk.chunkOf(f.getItemIndex()), c -> new ArrayList<>()).add(f);
                chunkSet.add(OutcomeChunk.chunkOf(f.getItemIndex()));
            }
            for (RoaringBitmap items : List.of(succeeded, skipped)) {
                if (!items.isEmpty() && items.last() < 0) {
                    throw new PoisonRecordException("an item index past 2^31");
                }
                items.forEach((int item) -> chunkSet.add(OutcomeChunk.chunkOf(item)));
            }
            return new Batch(outcomes.getStage(), succeeded, skipped, failures, chunkSet);
        }

        /** A record of the per-item contract, read as a batch of one. */
        static Batch of(ItemProcessed item) {
            OutcomeBatch batch = new OutcomeBatch(item.getUploadId(), item.getStage());
            if (item.getOutcome() == Outcome.SUCCEEDED) {
                batch.succeeded(item.getItemIndex());
            } else {
                batch.failed(OutcomeBatch.failure(item.getItemIndex(), item.getSku(),
                        item.getErrorCode() == null ? "UNKNOWN" : item.getErrorCode(), item.getErrorMessage(), item.getAttempt()));
            }
            return of(batch.records().get(0));
        }

        Iterable<Integer> chunks() {
            return chunkSet;
        }

        List<FailedItem> failuresIn(int chunk) {
            return failures.getOrDefault(chunk, List.of());
        }
    }
}
