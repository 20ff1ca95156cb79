package io.catalogingest.status.streams;

import java.util.List;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.schemas.serde.AvroSerdes;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.status.core.ProgressFold;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The status fold: UploadAccepted and ItemProcessed records, both keyed by upload id and so
 * co-partitioned, go through one processor that keeps the latest outcome per (upload, item, stage)
 * and the per-upload counts. Both stores are changelogged, so state survives restarts.
 */
public final class StatusTopology {
    public static final String PROGRESS_STORE = "upload-progress";
    public static final String ITEMS_STORE = "item-states";

    private StatusTopology() {}

    public static Topology build(SchemaRegistryClient registry) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), AvroSerdes.of(registry, UploadProgress.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ITEMS_STORE),
                Serdes.String(), AvroSerdes.of(registry, ItemState.class)));
        builder.stream(List.of(Topics.UPLOADS, Topics.RESULTS), Consumed.with(Serdes.String(), AvroSerdes.anyRecord(registry)))
                .process(FoldProcessor::new, PROGRESS_STORE, ITEMS_STORE);
        return builder.build();
    }

    /** Zero-padded so that a prefix scan of one upload returns its items in index order. */
    static String itemKey(String uploadId, int itemIndex) {
        return itemPrefix(uploadId) + String.format("%010d", itemIndex);
    }

    static String itemPrefix(String uploadId) {
        return uploadId + "/";
    }

    private static final class FoldProcessor implements Processor<String, SpecificRecord, Void, Void> {
        private KeyValueStore<String, UploadProgress> progress;
        private KeyValueStore<String, ItemState> items;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            progress = context.getStateStore(PROGRESS_STORE);
            items = context.getStateStore(ITEMS_STORE);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            String uploadId = record.key();
            UploadProgress current = progress.get(uploadId);
            if (current == null) {
                current = ProgressFold.empty(uploadId);
            }
            if (record.value() instanceof UploadAccepted accepted) {
                progress.put(uploadId, ProgressFold.accepted(current, accepted));
            } else if (record.value() instanceof ItemProcessed outcome) {
                String key = itemKey(uploadId, outcome.getItemIndex());
                ItemState before = items.get(key);
                ItemState after = ProgressFold.merge(before, outcome);
                if (!after.equals(before)) {
                    items.put(key, after);
                    progress.put(uploadId, ProgressFold.itemChanged(current, before, after, outcome.getProcessedAt()));
                }
            }
        }
    }
}
