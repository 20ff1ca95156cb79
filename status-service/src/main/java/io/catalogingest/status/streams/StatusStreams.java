package io.catalogingest.status.streams;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.UploadProgress;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the status topology and answers reads from this instance's state stores; says which
 * instance owns an upload, so that queries for others' uploads can be forwarded.
 */
public final class StatusStreams implements StatusQueries, Managed {
    /** The store cannot answer right now (starting, restoring or rebalancing); ask again shortly. */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }

    /** Who answers for an upload: this instance, another one (its base URL), or nobody known yet. */
    public sealed interface Owner {
        record Local() implements Owner {}

        record Remote(URI baseUrl) implements Owner {}

        record Unknown() implements Owner {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(StatusStreams.class);

    private final KafkaStreams streams;
    private final HostInfo self;

    public StatusStreams(Topology topology, Properties props) {
        this.self = HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
        this.streams = new KafkaStreams(topology, props);
        // A failing record (e.g. the registry briefly unreachable) costs a stream thread, not the
        // service: the replacement resumes from the last commit, and exactly-once keeps counts exact.
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

    public Owner ownerOf(String uploadId) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new Owner.Unknown();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(StatusTopology.PROGRESS_STORE, uploadId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Owner.Unknown();
        }
        HostInfo active = metadata.activeHost();
        return active.equals(self) ? new Owner.Local() : new Owner.Remote(baseUrl(active));
    }

    @Override
    public List<URI> otherInstances() {
        requireRunning();
        List<URI> others = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            if (!m.hostInfo().equals(self)) {
                others.add(baseUrl(m.hostInfo()));
            }
        }
        return others;
    }

    private static URI baseUrl(HostInfo host) {
        return URI.create("http://" + host.host() + ":" + host.port());
    }

    @Override
    public Optional<UploadProgress> progress(String uploadId) {
        ReadOnlyKeyValueStore<String, UploadProgress> store = store(StatusTopology.PROGRESS_STORE);
        return read(() -> Optional.ofNullable(store.get(uploadId)));
    }

    @Override
    public void items(String uploadId, int fromIndex, BiPredicate<Integer, ItemState> visitor) {
        ReadOnlyKeyValueStore<String, ItemState> store = store(StatusTopology.ITEMS_STORE);
        read(() -> {
            StatusTopology.visitItems(store, uploadId, fromIndex, visitor);
            return null;
        });
    }

    @Override
    public List<ListedUpload> merchantUploads(String merchantId, String after, int limit, Predicate<UploadProgress> filter) {
        requireRunning();
        java.util.Set<Integer> partitions = localPartitions();
        if (partitions.isEmpty()) {
            return List.of(); // a new instance that only warms state up owns no upload yet
        }
        ReadOnlyKeyValueStore<String, UploadProgress> progress = store(StatusTopology.PROGRESS_STORE);
        return read(() -> {
            // Each partition's index is sorted, newest first: take the first matches of each, then merge.
            List<ListedUpload> page = new ArrayList<>();
            for (int partition : partitions) {
                ReadOnlyKeyValueStore<String, String> index = streams.store(StoreQueryParameters.fromNameAndType(
                        StatusTopology.MERCHANT_UPLOADS_STORE, QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition));
                int[] taken = {0};
                StatusTopology.visitMerchantUploads(index, merchantId, after, (position, uploadId) -> {
                    UploadProgress p = progress.get(uploadId);
                    if (p != null && filter.test(p)) {
                        page.add(new ListedUpload(position, p));
                        taken[0]++;
                    }
                    return taken[0] < limit;
                });
            }
            page.sort(java.util.Comparator.comparing(ListedUpload::position));
            return page.size() > limit ? List.copyOf(page.subList(0, limit)) : page;
        });
    }

    /** The input partitions this instance's active tasks own (every input topic shares them). */
    private java.util.Set<Integer> localPartitions() {
        java.util.Set<Integer> partitions = new java.util.TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> task.topicPartitions().forEach(tp -> partitions.add(tp.partition()))));
        return partitions;
    }

    private <T> T read(java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }

    private void requireRunning() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotReadyException("status store is " + streams.state());
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        requireRunning();
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(e.getMessage());
        }
    }
}
