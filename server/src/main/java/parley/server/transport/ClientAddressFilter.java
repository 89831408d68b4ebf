package parley.server.transport;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import parley.server.access.TrustedProxies;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Behind a trusted load balancer, makes the client's own address the request's remote address, before the
 * WebSocket layer reads it: sessions, logs, bans and the password throttle then all see the client, not the
 * balancer ({@link TrustedProxies} says how it is found). The per-address connection limit counts the client too.
 * It sits right above the HTTP codec; without trusted proxies it is not installed at all.
 */
final class ClientAddressFilter extends BaseFilter {
    private final TrustedProxies proxies;

    private ClientAddressFilter(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    static AddOn addOn(TrustedProxies proxies) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                if (!proxies.isEmpty()) {
                    builder.add(builder.indexOfType(HttpServerFilter.class) + 1, new ClientAddressFilter(proxies));
                }
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (ctx.getMessage() instanceof HttpContent content && content.getHttpHeader() instanceof HttpRequestPacket request) {
            Connection<?> connection = ctx.getConnection();
            InetAddress peer = connection.getPeerAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
            if (proxies.trusts(peer)) {
                List<String> forwardedFor = new ArrayList<>();
                request.getHeaders().values("X-Forwarded-For").forEach(forwardedFor::add);
                InetAddress client = proxies.clientAddress(peer, forwardedFor, request.getHeader("X-Real-IP"));
                request.remoteAddr().setString(client.getHostAddress());
                if (!ConnectionGuard.behindProxy(connection, client)) {
                    return ctx.getStopAction();
                }
            }
        }
        return ctx.getInvokeAction();
    }
}
