package io.catalogingest.common.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Offsets as lag is computed from them (pipelinectl lag, the services' lag gauges): a group's commits and the partitions' bounds. */
public final class Offsets {
    private static final long TIMEOUT_SECONDS = 30;

    private Offsets() {}

    /** The group's committed offset per partition; partitions it never committed on are absent. */
    public static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((tp, committed) -> {
                    if (committed != null) {
                        offsets.put(tp, committed.offset());
                    }
                });
        return offsets;
    }

    /** The earliest or latest offset of each partition, as a read_committed consumer sees it. */
    public static Map<TopicPartition, Long> of(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /**
     * Records the group has yet to consume on {@code topics}: per partition, the end minus the
     * committed offset (or the start, where it never committed). A transaction's closing marker
     * after the last record counts as one.
     */
    public static long lag(Admin admin, String group, Collection<String> topics) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values().stream().flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
                .toList();
        Map<TopicPartition, Long> committed = committed(admin, group);
        Map<TopicPartition, Long> starts = of(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = of(admin, partitions, OffsetSpec.latest());
        long lag = 0;
        for (TopicPartition tp : partitions) {
            long position = Math.max(committed.getOrDefault(tp, starts.get(tp)), starts.get(tp));
            lag += Math.max(0, ends.get(tp) - position);
        }
        return lag;
    }
}
