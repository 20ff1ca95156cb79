package io.catalogingest.ops.dlq;

import static io.catalogingest.ops.dlq.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeadLetterSummaryTest {
    @Test
    void summaryCountsByErrorAndUploadWithTheTimeSpan() {
        DeadLetterSummary summary = new DeadLetterSummary();
        summary.add(letter("m", "u1", "A", 3_000, 0));
        summary.add(letter("m", "u2", "A", 1_000, 0));
        summary.add(letter("m", "u2", "B", 2_000, 0));
        assertThat(summary.total()).isEqualTo(3);
        assertThat(summary.byError()).isEqualTo(Map.of("A (TRANSIENT)", 2L, "B (TRANSIENT)", 1L));
        assertThat(summary.topUploads()).containsExactly(Map.entry("u2", 2L), Map.entry("u1", 1L));
        StringWriter text = new StringWriter();
        summary.print(new PrintWriter(text), "t");
        assertThat(text.toString()).contains("oldest 1970-01-01T00:00:01Z, newest 1970-01-01T00:00:03Z");
    }
}
