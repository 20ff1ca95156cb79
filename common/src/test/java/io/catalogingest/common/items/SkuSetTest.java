package io.catalogingest.common.items;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SkuSetTest {
    @Test
    void aSkuIsNewOnlyOnceAndComparedExactly() {
        SkuSet skus = new SkuSet();

        assertThat(List.of(skus.add("MUG-1"), skus.add("mug-1"), skus.add("MUG-1 "), skus.add("MUG-1")))
                .containsExactly(true, true, true, false);
    }

    @Test
    void remembersEverySkuAsItGrows() {
        SkuSet skus = new SkuSet();
        List<String> many = IntStream.range(0, 20_000).mapToObj(i -> "SKU-" + i).toList();

        List<Boolean> first = many.stream().map(skus::add).toList();
        List<Boolean> again = many.stream().map(skus::add).toList();

        assertThat(first).hasSize(20_000).containsOnly(true);
        assertThat(again).hasSize(20_000).containsOnly(false);
    }
}
