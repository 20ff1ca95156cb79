package io.catalogingest.status.streams;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/** Ownership from Kafka Streams' metadata: which instance's active task holds an upload. */
public final class StreamsOwnership implements UploadOwnership {
    private final StatusStreams streams;

    public StreamsOwnership(StatusStreams streams) {
        this.streams = streams;
    }

    @Override
    public Owner ownerOf(String uploadId) {
        KeyQueryMetadata metadata = metadataOf(uploadId);
        if (metadata == null) {
            return new Owner.Unknown();
        }
        HostInfo active = metadata.activeHost();
        return active.equals(streams.self()) ? new Owner.Local() : new Owner.Remote(baseUrl(active));
    }

    /** The partition, shared by every store, that holds the upload's state. */
    int partitionOf(String uploadId) {
        KeyQueryMetadata metadata = metadataOf(uploadId);
        if (metadata == null) {
            throw new StatusStreams.NotReadyException("the partition of upload " + uploadId + " is not known yet");
        }
        return metadata.partition();
    }

    private KeyQueryMetadata metadataOf(String uploadId) {
        KafkaStreams kafkaStreams = streams.kafkaStreams();
        if (kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            return null;
        }
        KeyQueryMetadata metadata = kafkaStreams.queryMetadataForKey(StatusTopology.PROGRESS_STORE, uploadId,
                Serdes.String().serializer());
        return metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) ? null : metadata;
    }

    @Override
    public List<URI> otherInstances() {
        streams.requireRunning();
        List<URI> others = new ArrayList<>();
        for (StreamsMetadata m : streams.kafkaStreams().metadataForAllStreamsClients()) {
            if (!m.hostInfo().equals(streams.self())) {
                others.add(baseUrl(m.hostInfo()));
            }
        }
        return others;
    }

    /** The input partitions this instance's active tasks own (every input topic shares them). */
    Set<Integer> localPartitions() {
        Set<Integer> partitions = new TreeSet<>();
        streams.kafkaStreams().metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                .forEach(task -> task.topicPartitions().forEach(tp -> partitions.add(tp.partition()))));
        return partitions;
    }

    private static URI baseUrl(HostInfo host) {
        return URI.create("http://" + host.host() + ":" + host.port());
    }
}
