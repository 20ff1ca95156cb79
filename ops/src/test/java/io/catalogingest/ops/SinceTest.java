package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SinceTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void sinceTakesAgesAndInstants() {
        assertThat(Since.parse("90s", NOW)).isEqualTo(Instant.parse("2026-11-26T11:58:30Z"));
        assertThat(Since.parse("2h", NOW)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(Since.parse("7d", NOW)).isEqualTo(Instant.parse("2026-11-19T12:00:00Z"));
        assertThat(Since.parse("PT30M", NOW)).isEqualTo(Instant.parse("2026-11-26T11:30:00Z"));
        assertThat(Since.parse("2026-11-01T00:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThatThrownBy(() -> Since.parse("yesterday", NOW)).hasMessageContaining("neither an instant");
    }
}
