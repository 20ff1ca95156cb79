package io.catalogingest.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MerchantTest {
    @Test
    void merchantsReadOnlyTheirOwnUploadsAndAdminsReadAll() {
        assertThat(new Merchant("m1", Merchant.MERCHANT).mayRead("m1")).isTrue();
        assertThat(new Merchant("m1", Merchant.MERCHANT).mayRead("m2")).isFalse();
        assertThat(new Merchant("ops", Merchant.ADMIN).mayRead("m2")).isTrue();
    }
}
