package io.catalogingest.ops.dlq;

import static io.catalogingest.ops.dlq.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {
    @Test
    void filtersMatchOnEveryGivenCriterionOnly() {
        DeadLetter letter = letter("m1", "u1", "IMAGE_ORIGIN_ERROR", 5_000, 0);
        assertThat(DeadLetterFilter.ALL.test(letter)).isTrue();
        assertThat(new DeadLetterFilter(null, "m1", "u1", "image_origin_error").test(letter)).isTrue();
        assertThat(new DeadLetterFilter(null, "m2", null, null).test(letter)).isFalse();
        assertThat(new DeadLetterFilter(null, null, "u2", null).test(letter)).isFalse();
        assertThat(new DeadLetterFilter(null, null, null, "IMAGE_NOT_FOUND").test(letter)).isFalse();
        assertThat(new DeadLetterFilter(Instant.ofEpochMilli(5_000), null, null, null).test(letter)).isTrue();
        assertThat(new DeadLetterFilter(Instant.ofEpochMilli(5_001), null, null, null).test(letter)).isFalse();
    }
}
