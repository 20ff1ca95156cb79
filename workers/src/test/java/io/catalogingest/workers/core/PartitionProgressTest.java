package io.catalogingest.workers.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {
    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecord() {
        PartitionProgress p = new PartitionProgress();
        assertThat(p.committable()).isEqualTo(-1);
        for (long offset = 10; offset < 15; offset++) {
            p.started(offset);
        }
        p.finished(11);
        p.finished(14);
        assertThat(p.committable()).isEqualTo(10);
        p.finished(10);
        assertThat(p.committable()).isEqualTo(12);
        p.finished(12);
        p.finished(13);
        assertThat(p.committable()).isEqualTo(15);
        assertThat(p.inFlight()).isZero();
    }
}
