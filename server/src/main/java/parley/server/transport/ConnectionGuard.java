package parley.server.transport;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.access.TrustedProxies;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first filter every socket meets, right above the transport (below TLS). It counts sockets from the
 * moment they are accepted, not from the WebSocket upgrade, so idle or half-sent handshakes use up the
 * connection limits like everyone else; a socket above a limit is answered HTTP 503 at once and closed. A socket
 * that has not finished its WebSocket handshake within the handshake timeout is cut: an idle socket or a
 * slowloris holds a descriptor for seconds, not forever.
 */
final class ConnectionGuard extends BaseFilter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final Attribute<Admission> ADMISSION =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName() + ".admission");
    private static final byte[] FULL = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\nRetry-After: 10\r\n"
            + "Connection: close\r\n\r\ntoo many connections\n").getBytes(StandardCharsets.US_ASCII);

    private final int maxConnections;
    private final int maxPerAddress;
    private final long handshakeTimeoutNanos;
    private final boolean secure;
    /** Connections from these are counted under the client behind them, once the request names it. */
    private final TrustedProxies proxies;
    private final ScheduledExecutorService timers;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> openByAddress = new ConcurrentHashMap<>();
    private final Set<Admission> awaitingHandshake = ConcurrentHashMap.newKeySet();

    private ConnectionGuard(TransportLimits limits, boolean secure, ScheduledExecutorService timers, TrustedProxies proxies) {
        this.proxies = proxies;
        this.maxConnections = limits.maxConnections();
        this.maxPerAddress = limits.maxConnectionsPerAddress();
        this.handshakeTimeoutNanos = limits.handshakeTimeout().toNanos();
        this.secure = secure;
        this.timers = timers;
        long sweepMillis = Math.max(50, Math.min(1_000, limits.handshakeTimeout().toMillis() / 4));
        timers.scheduleWithFixedDelay(this::cutUnfinishedHandshakes, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Installs the guard right above the transport filter of a listener's chain. */
    static AddOn addOn(TransportLimits limits, ScheduledExecutorService timers, TrustedProxies proxies) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                builder.add(builder.indexOfType(TransportFilter.class) + 1,
                        new ConnectionGuard(limits, listener.isSecure(), timers, proxies));
            }
        };
    }

    /** Tells the guard that this connection finished its WebSocket handshake: no timeout applies any more. */
    static void upgraded(Connection<?> connection) {
        Admission admission = ADMISSION.get(connection);
        if (admission != null) {
            admission.upgraded = true;
        }
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        InetAddress peer = connection.getPeerAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
        InetAddress address = proxies.trusts(peer) ? null : peer;
        Admission admission = new Admission(this, connection, address, System.nanoTime());
        ADMISSION.set(connection, admission);
        int total = open.incrementAndGet();
        int fromAddress = address == null ? 0 : openByAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        connection.addCloseListener((closed, type) -> release(admission));
        if ((maxConnections > 0 && total > maxConnections) || (maxPerAddress > 0 && fromAddress > maxPerAddress)) {
            log.debug("Refusing a connection from {}: {} open, {} from that address", address, total, fromAddress);
            admission.refused = true;
            refuse(connection);
            return ctx.getStopAction();
        }
        awaitingHandshake.add(admission);
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        Admission admission = ADMISSION.get(ctx.getConnection());
        if (admission != null && admission.refused) {
            // A refused client may still be sending its request: read and drop it while the answer goes out.
            Buffer discarded = ctx.getMessage();
            discarded.tryDispose();
            return ctx.getStopAction();
        }
        return ctx.getInvokeAction();
    }

    /** Answers 503 where the port speaks plain HTTP (a TLS port cannot answer before its handshake) and closes. */
    private void refuse(Connection<?> connection) {
        if (secure) {
            connection.closeSilently();
            return;
        }
        LingeringClose.writeThenClose(connection, Buffers.wrap(connection.getMemoryManager(), FULL), timers);
    }

    /**
     * A connection from a trusted proxy named its client: it counts against that client's limit from now on.
     * False when the client is over it: the connection is answered 503 and closed.
     */
    static boolean behindProxy(Connection<?> connection, InetAddress client) {
        Admission admission = ADMISSION.get(connection);
        if (admission == null || admission.address != null || admission.refused) {
            return admission == null || !admission.refused;
        }
        ConnectionGuard guard = admission.guard;
        admission.address = client;
        int fromAddress = guard.openByAddress.computeIfAbsent(client, a -> new AtomicInteger()).incrementAndGet();
        if (guard.maxPerAddress > 0 && fromAddress > guard.maxPerAddress) {
            log.debug("Refusing a connection for {} behind a proxy: {} from that address", client, fromAddress);
            admission.refused = true;
            guard.refuse(connection);
            return false;
        }
        return true;
    }

    private void release(Admission admission) {
        if (!admission.released.compareAndSet(false, true)) {
            return;
        }
        awaitingHandshake.remove(admission);
        open.decrementAndGet();
        if (admission.address != null) {
            openByAddress.computeIfPresent(admission.address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }

    private void cutUnfinishedHandshakes() {
        long now = System.nanoTime();
        for (Admission admission : awaitingHandshake) {
            if (admission.upgraded) {
                awaitingHandshake.remove(admission);
            } else if (now - admission.acceptedAtNanos > handshakeTimeoutNanos) {
                awaitingHandshake.remove(admission);
                log.debug("Closing a connection from {}: no WebSocket handshake within the timeout", admission.address);
                admission.connection.terminateSilently();
            }
        }
    }

    /** One accepted socket as the guard counts it. */
    private static final class Admission {
        final ConnectionGuard guard;
        final Connection<?> connection;
        /** The client's address; behind a trusted proxy, null until the request names it. */
        volatile InetAddress address;
        final long acceptedAtNanos;
        final AtomicBoolean released = new AtomicBoolean();
        volatile boolean upgraded;
        volatile boolean refused;

        Admission(ConnectionGuard guard, Connection<?> connection, InetAddress address, long acceptedAtNanos) {
            this.guard = guard;
            this.connection = connection;
            this.address = address;
            this.acceptedAtNanos = acceptedAtNanos;
        }
    }
}
