package io.catalogingest.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard's decisions, on address literals only: no connection is opened. */
class AddressPolicyTest {
    private final AddressPolicy strict = new AddressPolicy(List.of());

    private static InetAddress literal(String address) throws UnknownHostException {
        return InetAddress.getByName(address); // a literal: no DNS look-up
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "169.254.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.1.2.3", "255.255.255.255",
            "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
            "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe"})
    void refusesNonPublicAddresses(String address) throws UnknownHostException {
        assertThat(strict.refusal(literal(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"})
    void allowsPublicAddresses(String address) throws UnknownHostException {
        assertThat(strict.refusal(literal(address))).as(address).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::ffff:127.0.0.1"})
    void anAllowlistOpensOnlyWhatItNames(String address) throws UnknownHostException {
        AddressPolicy local = new AddressPolicy(List.of("127.0.0.1/32"));
        assertThat(local.refusal(literal(address))).isEmpty();
        assertThat(local.refusal(literal("127.0.0.2"))).isPresent();
        assertThat(local.refusal(literal("10.0.0.1"))).isPresent();
    }
}
