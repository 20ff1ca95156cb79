package io.catalogingest.status.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiPredicate;

import io.catalogingest.schemas.ItemState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

import io.catalogingest.schemas.UploadProgress;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Runs the status topology and answers reads from its local state store. */
public final class StatusStreams implements Managed {
    /** The store cannot answer right now (starting, restoring or rebalancing); ask again shortly. */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }

    private final KafkaStreams streams;

    public StatusStreams(Topology topology, Properties props) {
        this.streams = new KafkaStreams(topology, props);
    }

    @Override
    public void start() {
        streams.start();
    }

    @Override
    public void stop() {
        streams.close(Duration.ofSeconds(30));
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public Optional<UploadProgress> progress(String uploadId) {
        ReadOnlyKeyValueStore<String, UploadProgress> store = store(StatusTopology.PROGRESS_STORE);
        try {
            return Optional.ofNullable(store.get(uploadId));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }

    /**
     * Visits the upload's items in index order from {@code fromIndex} until the visitor answers false.
     */
    public void items(String uploadId, int fromIndex, BiPredicate<Integer, ItemState> visitor) {
        ReadOnlyKeyValueStore<String, ItemState> store = store(StatusTopology.ITEMS_STORE);
        String prefix = StatusTopology.itemPrefix(uploadId);
        try (KeyValueIterator<String, ItemState> it = store.range(StatusTopology.itemKey(uploadId, fromIndex),
                StatusTopology.itemKey(uploadId, Integer.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<String, ItemState> next = it.next();
                if (!visitor.test(Integer.parseInt(next.key.substring(prefix.length())), next.value)) {
                    return;
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotReadyException("status store is " + streams.state());
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }
}
