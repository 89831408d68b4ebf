package parley.server.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8"));

    @Test
    void rangesAndSingleAddressesAreTrusted() throws Exception {
        assertThat(proxies.trusts(ip("10.200.3.4"))).isTrue();
        assertThat(proxies.trusts(ip("11.0.0.1"))).isFalse();
        assertThat(proxies.trusts(ip("192.168.1.5"))).isTrue();
        assertThat(proxies.trusts(ip("192.168.1.6"))).isFalse();
        assertThat(proxies.trusts(ip("fd12::1"))).isTrue();
        assertThat(proxies.trusts(ip("fe80::1"))).isFalse();
    }

    @Test
    void theClientIsTheLastHopThatIsNotAProxy() throws Exception {
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of("1.2.3.4, 203.0.113.9, 10.0.0.7"), null))
                .isEqualTo(ip("203.0.113.9"));
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of("1.2.3.4", "203.0.113.9"), null))
                .as("several headers are one list").isEqualTo(ip("203.0.113.9"));
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of("10.0.0.8, 10.0.0.7"), null))
                .as("only proxies: the first is the client").isEqualTo(ip("10.0.0.8"));
    }

    @Test
    void xRealIpServesWhenThereIsNoForwardedFor() throws Exception {
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of(), "203.0.113.9")).isEqualTo(ip("203.0.113.9"));
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of(), null)).isEqualTo(ip("10.0.0.2"));
    }

    @Test
    void headersFromAnyoneElseAreIgnored() throws Exception {
        assertThat(proxies.clientAddress(ip("203.0.113.1"), List.of("198.51.100.7"), "198.51.100.8"))
                .isEqualTo(ip("203.0.113.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.org", "999.1.1.1", "1.2.3", "unknown", "", "1.2.3.4; drop"})
    void aHopThatIsNotAnAddressMakesThePeerTheClient(String hop) throws Exception {
        assertThat(proxies.clientAddress(ip("10.0.0.2"), List.of("203.0.113.9, " + hop), null)).isEqualTo(ip("10.0.0.2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.org", "10.0.0.0/33", "10.0.0.0/x", "::1/129"})
    void badProxySpecsAreRefused(String spec) {
        assertThatThrownBy(() -> TrustedProxies.of(List.of(spec))).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
