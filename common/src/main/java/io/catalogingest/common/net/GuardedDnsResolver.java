package io.catalogingest.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves a host once and hands the HTTP client only addresses the policy allows, so the
 * connection goes to exactly the address that was vetted (no DNS rebinding between check and
 * connect). Every redirect hop is resolved, and so vetted, again. A host with any refused address
 * is refused whole.
 */
public final class GuardedDnsResolver implements DnsResolver {
    /** The host resolves to an address that downloads may not reach. */
    public static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String host, String reason) {
            super("refused to connect to " + host + ": " + reason);
        }
    }

    private final AddressPolicy policy;

    public GuardedDnsResolver(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                throw new RefusedAddressException(host, refusal.get());
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
}
