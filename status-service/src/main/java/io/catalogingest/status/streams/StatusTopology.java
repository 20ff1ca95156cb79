package io.catalogingest.status.streams;

import java.util.List;
import java.util.function.BiPredicate;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroSerdes;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.status.core.ListPosition;
import io.catalogingest.status.core.ProgressFold;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The status fold: UploadAccepted, UploadSplit, ItemProcessed and UploadCancelled records, all keyed by upload
 * id and so co-partitioned, go through one processor that keeps the latest outcome per (upload,
 * item, stage), the per-upload counts and a per-merchant index of uploads, newest first. When an
 * upload finishes it emits one UploadFinished event for the webhooks. Every store is changelogged,
 * so state survives restarts; exactly-once processing keeps store, event and offsets in step.
 */
public final class StatusTopology {
    public static final String PROGRESS_STORE = "upload-progress";
    public static final String ITEMS_STORE = "item-states";
    public static final String MERCHANT_UPLOADS_STORE = "merchant-uploads";

    private StatusTopology() {}

    public static Topology build(SchemaRegistry registry) {
        StreamsBuilder builder = new StreamsBuilder();
        // Cached: an upload's counts change with every outcome; the cache folds those changes into
        // one RocksDB write and one changelog record per commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), AvroSerdes.of(registry, UploadProgress.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEMS_STORE),
                Serdes.String(), AvroSerdes.of(registry, ItemState.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MERCHANT_UPLOADS_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.stream(List.of(Topics.UPLOADS, Topics.UPLOAD_SPLITS, Topics.RESULTS, Topics.CANCELLATIONS),
                        Consumed.with(Serdes.String(), AvroSerdes.anyRecord(registry)))
                .process(FoldProcessor::new, PROGRESS_STORE, ITEMS_STORE, MERCHANT_UPLOADS_STORE)
                .to(Topics.UPLOAD_EVENTS, Produced.with(Serdes.String(), AvroSerdes.of(registry, UploadFinished.class)));
        return builder.build();
    }

    /** Zero-padded so that a range scan of one upload returns its items in index order. */
    static String itemKey(String uploadId, int itemIndex) {
        return itemPrefix(uploadId) + String.format("%010d", itemIndex);
    }

    static String itemPrefix(String uploadId) {
        return uploadId + "/";
    }

    /** Newest first within a merchant. */
    static String merchantUploadKey(String merchantId, java.time.Instant acceptedAt, String uploadId) {
        return merchantPrefix(merchantId) + ListPosition.of(acceptedAt, uploadId);
    }

    static String merchantPrefix(String merchantId) {
        return merchantId + "/";
    }

    /** Visits one upload's items in index order from {@code fromIndex} until the visitor answers false. */
    static void visitItems(ReadOnlyKeyValueStore<String, ItemState> items, String uploadId, int fromIndex,
            BiPredicate<Integer, ItemState> visitor) {
        int prefix = itemPrefix(uploadId).length();
        try (KeyValueIterator<String, ItemState> it = items.range(itemKey(uploadId, fromIndex), itemKey(uploadId, Integer.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<String, ItemState> next = it.next();
                if (!visitor.test(Integer.parseInt(next.key.substring(prefix)), next.value)) {
                    return;
                }
            }
        }
    }

    /**
     * Visits a merchant's entries of one partition's upload index, newest first, after the list
     * position {@code after} (null: from the start), as (position, upload id) until the visitor
     * answers false.
     */
    static void visitMerchantUploads(ReadOnlyKeyValueStore<String, String> index, String merchantId, String after,
            BiPredicate<String, String> visitor) {
        String prefix = merchantPrefix(merchantId);
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

    private static final class FoldProcessor implements Processor<String, SpecificRecord, String, UploadFinished> {
        private ProcessorContext<String, UploadFinished> context;
        private KeyValueStore<String, UploadProgress> progress;
        private KeyValueStore<String, ItemState> items;
        private KeyValueStore<String, String> merchantUploads;

        @Override
        public void init(ProcessorContext<String, UploadFinished> context) {
            this.context = context;
            progress = context.getStateStore(PROGRESS_STORE);
            items = context.getStateStore(ITEMS_STORE);
            merchantUploads = context.getStateStore(MERCHANT_UPLOADS_STORE);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            String uploadId = record.key();
            UploadProgress before = progress.get(uploadId);
            UploadProgress current = before == null ? ProgressFold.empty(uploadId) : before;
            UploadProgress after = current;
            if (record.value() instanceof UploadAccepted accepted) {
                after = ProgressFold.accepted(current, accepted);
                merchantUploads.put(merchantUploadKey(accepted.getMerchantId(), accepted.getAcceptedAt(), uploadId),
                        uploadId);
            } else if (record.value() instanceof UploadSplit split) {
                after = ProgressFold.split(current, split);
            } else if (record.value() instanceof UploadCancelled cancelled) {
                after = ProgressFold.cancelled(current, cancelled);
            } else if (record.value() instanceof ItemProcessed outcome) {
                String key = itemKey(uploadId, outcome.getItemIndex());
                ItemState was = items.get(key);
                ItemState is = ProgressFold.merge(was, outcome);
                if (!is.equals(was)) {
                    items.put(key, is);
                    after = ProgressFold.itemChanged(current, was, is, outcome.getProcessedAt());
                }
            }
            if (!after.equals(before)) {
                progress.put(uploadId, after);
                ProgressFold.finished(current, after)
                        .ifPresent(event -> context.forward(new Record<>(uploadId, event, record.timestamp())));
            }
        }
    }
}
