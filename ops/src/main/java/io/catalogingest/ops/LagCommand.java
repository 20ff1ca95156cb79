package io.catalogingest.ops;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.common.kafka.Offsets;
import io.catalogingest.ops.lag.GroupLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Consumer lag per group and partition, with a drain estimate from the groups' recent throughput. */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {"Show consumer lag per group and partition, totals, and an estimated drain time.",
                "Throughput is measured over --sample: committed offsets are read twice."})
final class LagCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    /** Gaps up to this many offsets are read to tell records from transaction markers. */
    private static final long MARKER_GAP = 10;

    @Option(names = "--group", description = "Consumer group (repeatable; default: catalog-writer, image-worker, status-service).")
    List<String> groups = new ArrayList<>(ConsumerGroups.all());

    @Option(names = "--sample", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to measure throughput for the drain estimate (default ${DEFAULT-VALUE}; 0s: skip).")
    Duration sample;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(kafka.factory().common("pipelinectl-lag"))) {
            Map<String, Map<TopicPartition, Long>> first = committed(admin);
            long started = System.nanoTime();
            if (!sample.isZero()) {
                Thread.sleep(sample.toMillis());
            }
            Map<String, Map<TopicPartition, Long>> second = sample.isZero() ? first : committed(admin);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            List<String> topics = second.values().stream().flatMap(m -> m.keySet().stream()).map(TopicPartition::topic).distinct().toList();
            List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition()))).toList();
            Map<TopicPartition, Long> starts = Offsets.of(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> ends = Offsets.of(admin, partitions, OffsetSpec.latest());
            try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readCommitted(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                for (String group : groups) {
                    // A partition the group never committed on is consumed from its start (auto.offset.reset=earliest).
                    Map<TopicPartition, Long> now = withStarts(second.get(group), starts);
                    GroupLag.of(group, withStarts(first.get(group), starts), now, recordEnds(reader, now, ends), elapsed).print(out);
                }
            }
        }
        return ExitCodes.OK;
    }

    private Map<String, Map<TopicPartition, Long>> committed(Admin admin) throws Exception {
        Map<String, Map<TopicPartition, Long>> byGroup = new LinkedHashMap<>();
        for (String group : groups) {
            byGroup.put(group, Offsets.committed(admin, group));
        }
        return byGroup;
    }

    private Properties readCommitted() {
        Properties props = kafka.factory().common("pipelinectl-lag");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    /**
     * Transaction markers take offsets too, so a consumer that read everything still sits a marker
     * or two before the end. Where the gap is small, read it: only records count as lag.
     */
    private static Map<TopicPartition, Long> recordEnds(KafkaConsumer<byte[], byte[]> reader, Map<TopicPartition, Long> committed,
            Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> adjusted = new HashMap<>(ends);
        List<TopicPartition> small = committed.entrySet().stream()
                .filter(e -> ends.containsKey(e.getKey()))
                .filter(e -> ends.get(e.getKey()) - e.getValue() > 0 && ends.get(e.getKey()) - e.getValue() <= MARKER_GAP)
                .map(Map.Entry::getKey).toList();
        if (small.isEmpty()) {
            return adjusted;
        }
        reader.assign(small);
        small.forEach(tp -> reader.seek(tp, committed.get(tp)));
        Map<TopicPartition, Long> records = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (small.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
            reader.poll(Duration.ofMillis(200)).forEach(r -> {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < ends.get(tp)) {
                    records.merge(tp, 1L, Long::sum);
                }
            });
        }
        small.stream().filter(tp -> reader.position(tp) >= ends.get(tp))
                .forEach(tp -> adjusted.put(tp, committed.get(tp) + records.getOrDefault(tp, 0L)));
        return adjusted;
    }

    private static Map<TopicPartition, Long> withStarts(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> starts) {
        Map<TopicPartition, Long> all = new HashMap<>();
        starts.forEach((tp, start) -> {
            if (committed.keySet().stream().anyMatch(c -> c.topic().equals(tp.topic()))) {
                all.put(tp, committed.getOrDefault(tp, start));
            }
        });
        return all;
    }
}
