package io.catalogingest.status.streams;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the status topology, and hands out its local stores to readers ({@link StatusStores}, {@link StreamsOwnership}). */
public final class StatusStreams implements Managed {
    /** The store cannot answer right now (starting, restoring or rebalancing); ask again shortly. */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusStreams.class);

    private final KafkaStreams streams;
    private final HostInfo self;

    public StatusStreams(Topology topology, Properties props) {
        this.self = HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
        this.streams = new KafkaStreams(topology, props);
        // Records the fold cannot read or fold are dead-lettered (FoldDeadLetters); what still fails
        // a thread is a dependency (the registry, Kafka): its replacement resumes from the last
        // commit, and exactly-once keeps counts exact.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("status fold thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** The {@code host:port} Kafka Streams advertises for a base URL. */
    public static String endpoint(URI advertisedUrl) {
        return advertisedUrl.getHost() + ":" + advertisedUrl.getPort();
    }

    @Override
    public void start() {
        streams.start();
    }

    /** Leaves the group on the way out, so the others take over its partitions now, not after a session timeout. */
    @Override
    public void stop() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    KafkaStreams kafkaStreams() {
        return streams;
    }

    HostInfo self() {
        return self;
    }

    void requireRunning() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotReadyException("status store is " + streams.state());
        }
    }

    /** Every local partition of the store, or only {@code partition} when not null. */
    <V> ReadOnlyKeyValueStore<String, V> store(String name, Integer partition) {
        requireRunning();
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
            return streams.store(partition == null ? query : query.withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }
}
