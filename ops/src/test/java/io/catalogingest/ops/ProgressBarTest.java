package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void theProgressBarFillsWithFinishedItems() {
        assertThat(ProgressBar.render("IN_PROGRESS", 200, 90, 10, 10)).isEqualTo("[#####.....]  50% 100/200  succeeded 90  failed 10  IN_PROGRESS");
        assertThat(ProgressBar.render("DONE", 0, 0, 0, 4)).startsWith("[####] 100% 0/0");
    }
}
