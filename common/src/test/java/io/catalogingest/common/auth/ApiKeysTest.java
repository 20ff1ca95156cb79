package io.catalogingest.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void keysAreRandomAndOnlyTheirHashAndPrefixAreKept() {
        String a = ApiKeys.generate();
        String b = ApiKeys.generate();
        assertThat(a).startsWith("cik_").isNotEqualTo(b).hasSizeGreaterThan(40);
        assertThat(ApiKeys.hash(a)).hasSize(64).isEqualTo(ApiKeys.hash(a)).isNotEqualTo(ApiKeys.hash(b)).doesNotContain(a);
        assertThat(ApiKeys.prefix(a)).hasSize(12).isEqualTo(a.substring(0, 12));
    }
}
