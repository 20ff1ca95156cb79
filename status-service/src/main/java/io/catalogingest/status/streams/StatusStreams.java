package io.catalogingest.status.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

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
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotReadyException("status store is " + streams.state());
        }
        try {
            ReadOnlyKeyValueStore<String, UploadProgress> store = streams.store(StoreQueryParameters.fromNameAndType(
                    StatusTopology.PROGRESS_STORE, QueryableStoreTypes.keyValueStore()));
            return Optional.ofNullable(store.get(uploadId));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }
}
