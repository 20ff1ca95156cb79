package io.catalogingest.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MerchantIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"acme", "acme-eu", "Acme_EU.2", "m1", "0123456789012345678901234567890123456789012345678901234567890123"})
    void lettersDigitsDotsUnderscoresAndDashesAreAMerchantId(String id) {
        assertThat(MerchantIds.isValid(id)).isTrue();
        assertThat(MerchantIds.require(id)).isEqualTo(id);
    }

    /** A separator would let one merchant's keys read as another's: acme + "/eu/..." = acme/eu + "/...". */
    @ParameterizedTest
    @ValueSource(strings = {"acme/eu", "acme:eu", "acme eu", "", ".hidden", "..", "-acme", "acmé", "a\u0000b",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void anythingElseIsRefusedWithTheRule(String id) {
        assertThat(MerchantIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> MerchantIds.require(id)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(MerchantIds.RULE);
    }
}
