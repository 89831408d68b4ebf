package parley.server.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The load balancers in front of the server ({@code --trusted-proxy}), and who the client behind them is. For a
 * connection from one of them, the client's address is the last hop of {@code X-Forwarded-For} that is not itself a
 * trusted proxy (each proxy appends the address it saw, so everything left of that hop was written by the client
 * and proves nothing), else {@code X-Real-IP}; from anyone else both headers are ignored. Addresses are only ever
 * read as literals: nothing here looks a name up.
 */
public final class TrustedProxies {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Proxies given as addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    public static TrustedProxies of(List<String> specs) {
        List<Range> ranges = new ArrayList<>();
        for (String spec : specs) {
            ranges.add(Range.parse(spec.trim()));
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean trusts(InetAddress address) {
        return address != null && ranges.stream().anyMatch(range -> range.contains(address));
    }

    /**
     * The client's address for a connection from {@code peer}: the peer itself unless it is a trusted proxy.
     *
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order (may be empty)
     * @param realIp       the {@code X-Real-IP} header, or null
     */
    public InetAddress clientAddress(InetAddress peer, List<String> forwardedFor, String realIp) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return peer; // a proxy wrote something that is not an address: believe nothing
            }
            if (!trusts(hop)) {
                return hop;
            }
        }
        if (!hops.isEmpty()) {
            return literal(hops.get(0)); // every hop is a trusted proxy: the first one is the client
        }
        InetAddress real = realIp == null ? null : literal(realIp.trim());
        return real == null ? peer : real;
    }

    /** An IPv4 or IPv6 literal (IPv6 may come in brackets), or null. */
    static InetAddress literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean ipv4 = IPV4.matcher(bare).matches();
        if (ipv4 && java.util.Arrays.stream(bare.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            return null; // getByName would look such a "name" up
        }
        if (!ipv4 && !IPV6.matcher(bare).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(bare); // a literal: no lookup happens
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** One address or CIDR range. */
    private record Range(byte[] network, int prefixBits) {
        static Range parse(String spec) {
            int slash = spec.indexOf('/');
            InetAddress address = literal(slash < 0 ? spec : spec.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + spec);
            }
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(spec.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("the prefix of " + spec + " must be 0 to " + bits);
                }
            }
            return new Range(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
