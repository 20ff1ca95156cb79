package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SortableNumberTest {
    @Test
    void textOrderIsNumericOrder() {
        List<Long> numbers = List.of(0L, 7L, 10L, 99_999L, 100_000L, 1_700_000_000_000L, 9_999_999_999_999L);
        List<String> keys = new ArrayList<>();
        numbers.forEach(n -> keys.add(SortableNumber.of(n, 13)));
        assertThat(keys).isSorted();
        assertThat(SortableNumber.of(42, 5)).isEqualTo("00042");
        assertThat(SortableNumber.of(123_456, 5)).as("wider than the width").isEqualTo("123456");
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThatThrownBy(() -> SortableNumber.of(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
