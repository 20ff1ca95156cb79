package io.catalogingest.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupLagTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void lagIsWhatLiesBetweenCommittedAndEndAndDrainsAtTheMeasuredRate() {
        GroupLag lag = GroupLag.of("g", Map.of(P0, 100L, P1, 0L), Map.of(P0, 300L, P1, 100L), Map.of(P0, 1_300L, P1, 600L),
                Duration.ofSeconds(10));
        assertThat(lag.partitions()).extracting(GroupLag.PartitionLag::lag).containsExactly(1_000L, 500L);
        assertThat(lag.total()).isEqualTo(1_500);
        assertThat(lag.recordsPerSecond()).isEqualTo(30.0);
        assertThat(lag.drainTime()).contains(Duration.ofSeconds(50));
    }

    @Test
    void aStalledGroupHasNoDrainEstimateAndAnEmptyOneNeedsNone() {
        GroupLag stalled = GroupLag.of("g", Map.of(P0, 5L), Map.of(P0, 5L), Map.of(P0, 10L), Duration.ofSeconds(5));
        assertThat(stalled.drainTime()).isEmpty();
        GroupLag caughtUp = GroupLag.of("g", Map.of(P0, 5L), Map.of(P0, 10L), Map.of(P0, 10L), Duration.ofSeconds(5));
        assertThat(caughtUp.drainTime()).contains(Duration.ZERO);
    }
}
