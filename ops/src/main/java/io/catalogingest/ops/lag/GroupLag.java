package io.catalogingest.ops.lag;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag: per partition, the records between its committed offset and the end of
 * the partition; throughput from two readings of the committed offsets some time apart.
 */
public record GroupLag(String group, List<PartitionLag> partitions, double recordsPerSecond) {

    public record PartitionLag(TopicPartition partition, long committed, long end) {
        public long lag() {
            return Math.max(0, end - committed);
        }
    }

    /** From committed offsets {@code before} and {@code after} taken {@code elapsed} apart. */
    public static GroupLag of(String group, Map<TopicPartition, Long> before, Map<TopicPartition, Long> after,
            Map<TopicPartition, Long> ends, Duration elapsed) {
        List<PartitionLag> partitions = after.entrySet().stream()
                .map(e -> new PartitionLag(e.getKey(), e.getValue(), ends.getOrDefault(e.getKey(), e.getValue())))
                .sorted(Comparator.comparing((PartitionLag p) -> p.partition().topic()).thenComparing(p -> p.partition().partition()))
                .toList();
        long consumed = after.entrySet().stream()
                .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), e.getValue()))
                .sum();
        double seconds = elapsed.toNanos() / 1e9;
        return new GroupLag(group, partitions, seconds > 0 ? Math.max(0, consumed) / seconds : 0);
    }

    public long total() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }

    /** Lag divided by throughput; empty while the group makes no progress (or nothing was measured). */
    public Optional<Duration> drainTime() {
        if (total() == 0) {
            return Optional.of(Duration.ZERO);
        }
        return recordsPerSecond > 0 ? Optional.of(Duration.ofMillis((long) (total() / recordsPerSecond * 1000))) : Optional.empty();
    }

    public void print(PrintWriter out) {
        out.printf("group %s%n", group);
        if (partitions.isEmpty()) {
            out.println("  no committed offsets (group unknown or never committed)");
            return;
        }
        out.printf("  %-32s %9s %12s %12s %10s%n", "topic", "partition", "committed", "end", "lag");
        partitions.forEach(p -> out.printf("  %-32s %9d %12d %12d %10d%n", p.partition().topic(), p.partition().partition(),
                p.committed(), p.end(), p.lag()));
        out.printf("  total lag %d, throughput %.1f records/s, drain %s%n", total(), recordsPerSecond,
                drainTime().map(GroupLag::format).orElse("unknown (no progress measured)"));
    }

    private static String format(Duration d) {
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
