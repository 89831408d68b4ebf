package parley.server.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import parley.protocol.CloseCodes;
import parley.server.access.Access;
import parley.server.chat.Chat;
import parley.server.metrics.Metrics;
import parley.server.routing.EventRouter;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Tyrus WebSocket server that carries the chat at {@code ws://HOST:PORT/chat}. It runs Tyrus on a Grizzly
 * listener of its own, because Tyrus's standalone container always binds 0.0.0.0 and the bind address must be
 * the operator's choice. Start with {@link #start}; stop with {@link #stop} from any thread.
 */
public final class WebSocketServer {
    public static final String PATH = "/chat";
    private static final long STOP_GRACE_MILLIS = 2_000;
    static final PeerRegistry.TurnAway GOING_AWAY =
            new PeerRegistry.TurnAway(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
    private static final int INCOMING_BUFFER_BYTES = 4 * 1024 * 1024;

    private final HttpServer http;
    private final NetworkListener listener;
    private final ChatContainer container;
    private final PeerRegistry peers;
    /** Null without {@code --admin-token-file}. */
    private final AdminApi admin;

    private WebSocketServer(HttpServer http, NetworkListener listener, ChatContainer container, PeerRegistry peers,
                            AdminApi admin) {
        this.http = http;
        this.listener = listener;
        this.container = container;
        this.peers = peers;
        this.admin = admin;
    }

    /**
     * Binds and starts serving.
     *
     * @param port 0 for any free port; {@link #port()} tells which
     * @throws java.net.BindException when the address is in use
     */
    public static WebSocketServer start(String host, int port, Chat chat, EventRouter router, TransportLimits limits)
            throws IOException {
        return start(host, port, chat, router, limits, Access.open(), null);
    }

    /**
     * Binds and starts serving, with access rules, and over TLS ({@code wss://}) when {@code tls} is not null.
     *
     * @throws java.net.BindException when the address is in use
     */
    public static WebSocketServer start(String host, int port, Chat chat, EventRouter router, TransportLimits limits,
                                        Access access, TlsSettings tls) throws IOException {
        return start(host, port, chat, router, limits, access, tls, Metrics.off(), null);
    }

    /**
     * Binds and starts serving, counting what operators watch ({@code /metrics} when metrics are on), with the
     * administrators' API when {@code admin} is not null.
     */
    public static WebSocketServer start(String host, int port, Chat chat, EventRouter router, TransportLimits limits,
                                        Access access, TlsSettings tls, Metrics metrics, AdminSettings admin)
            throws IOException {
        initializeSocketClosing();
        ChatContainer container = new ChatContainer(limits);
        PeerRegistry peers = new PeerRegistry();
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("parley", host, port);
        // Handlers never block (sends are queued, locks are short), so frames are handled on the selector
        // thread that read them: no hand-off to a worker thread and its context switches per message.
        listener.getTransport().setIOStrategy(new AcceptBackoff(SameThreadIOStrategy.getInstance(), peers.timers()));
        listener.getTransport().setSelectorHandler(new OutboundBatch.SelectorHook());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        if (tls != null) {
            var engine = new SSLEngineConfigurator(tls.context(), false,
                    tls.clientAuth() == TlsSettings.ClientAuth.NEED, tls.clientAuth() == TlsSettings.ClientAuth.WANT);
            engine.setEnabledProtocols(TlsSettings.PROTOCOLS);
            listener.setSecure(true);
            listener.setSSLEngineConfig(engine);
        }
        listener.registerAddOn(new WebSocketAddOn(container, "/"));
        listener.registerAddOn(FrameLimitFilter.addOn(limits, peers.timers()));
        listener.registerAddOn(UpgradedReadFilter.addOn());
        listener.registerAddOn(ClientAddressFilter.addOn(access.proxies()));
        // Last, because it goes below everything the others placed: it sees a socket before TLS does.
        listener.registerAddOn(ConnectionGuard.addOn(limits, peers.timers(), access.proxies()));
        http.addListener(listener);
        http.getServerConfiguration().addHttpHandler(new HealthPage(chat, peers), "/health");
        if (metrics.isOn()) {
            watch(metrics, chat, peers);
            http.getServerConfiguration().addHttpHandler(new MetricsPage(metrics), "/metrics");
        }
        AdminApi adminApi = admin == null ? null : new AdminApi(chat, admin);
        if (adminApi != null) {
            http.getServerConfiguration().addHttpHandler(adminApi, "/admin");
        }
        try {
            container.addEndpoint(ServerEndpointConfig.Builder.create(ChatEndpoint.class, PATH)
                    .configurator(new ChatConfigurator(chat, router, limits, peers, access, metrics))
                    .build());
            container.start("/", port);
        } catch (DeploymentException e) {
            throw new IllegalStateException("the chat endpoint could not be deployed", e);
        }
        try {
            http.start();
        } catch (IOException e) {
            container.stop();
            peers.stop();
            throw e;
        }
        peers.startHeartbeat(chat, limits);
        return new WebSocketServer(http, listener, container, peers, adminApi);
    }

    /** The gauges read when scraped: connections, users, rooms, bytes waiting, and the cluster's state. */
    private static void watch(Metrics metrics, Chat chat, PeerRegistry peers) {
        metrics.gauge("parley.connections", "open WebSocket connections on this server", peers, registry -> registry.peers().size());
        metrics.gauge("parley.outbound.queued.bytes", "bytes waiting to be written, all connections", peers,
                registry -> registry.peers().stream().mapToLong(WebSocketPeer::pendingBytes).sum());
        metrics.healthGauge("parley.users", "users of this server, dropped ones in their grace period included", chat::health, "users");
        metrics.healthGauge("parley.rooms", "rooms with members on this server", chat::health, "rooms");
        if (chat.health().containsKey("clusterReachable")) {
            metrics.healthGauge("parley.cluster.reachable", "1 while this node can reach the cluster's Redis", chat::health,
                    "clusterReachable");
            metrics.healthGauge("parley.cluster.nodes", "nodes with a live lease in the cluster", chat::health, "nodes");
        }
    }

    /**
     * Closes a socket that was registered with a selector, once, before any client comes. The JDK sets up the
     * class that closes sockets on first use, and that set-up opens descriptors of its own: if the first close
     * happens while descriptors are exhausted, the set-up fails for good and no socket can ever be closed again
     * (every later close throws NoClassDefFoundError; the server never recovers). Done here, it cannot fail so.
     */
    private static void initializeSocketClosing() throws IOException {
        try (Selector selector = Selector.open()) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.register(selector, 0);
            channel.close();
            selector.selectNow();
        }
    }

    /** The open connections (tests look at what path their frames take). */
    java.util.Set<WebSocketPeer> openPeers() {
        return peers.peers();
    }

    public int port() {
        return listener.getPort();
    }

    /** Whether the port speaks TLS: clients connect to {@code wss://}. */
    public boolean isSecure() {
        return listener.isSecure();
    }

    /**
     * Drains for a restart: the port stops accepting (a load balancer's next connect fails at once and goes to
     * another node), and every client is closed with 1012 (service restart), to come back at once, resuming, on
     * another node or on this server once it is back; a client that still gets in is closed so too, and
     * {@code /health} answers 503. Users are dropped, not gone: their sessions wait for them in the cluster, or in
     * the state a server alone saves.
     */
    public void drain() {
        turnAway(new PeerRegistry.TurnAway(CloseCodes.SERVICE_RESTART, "service restart: reconnect now"));
    }

    /**
     * Turns every client away: the port closes, and every connection, open or still on its way in, is closed with
     * {@code how}. After a stop's 1001, a client that comes back at once finds no server and retries until the next
     * one listens, instead of resuming on this one while it ends (which left it waiting for an answer the ending
     * server never gave).
     */
    void turnAway(PeerRegistry.TurnAway how) {
        peers.turnAway(how);
        listener.getTransport().unbindAll();
        for (WebSocketPeer peer : peers.peers()) {
            peer.close(how.code(), how.reason());
        }
    }

    /** Tells every client the server is going away (close code 1001), lets the close frames out, and stops. */
    public void stop() {
        turnAway(GOING_AWAY);
        peers.stop();
        try {
            http.shutdown(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS).get(STOP_GRACE_MILLIS * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            http.shutdownNow();
        }
        container.stop();
        if (admin != null) {
            admin.stop();
        }
    }

    /** The Tyrus server container: endpoint registry and WebSocket engine, without a network listener of its own. */
    private static final class ChatContainer extends TyrusServerContainer {
        private final TyrusWebSocketEngine engine;

        ChatContainer(TransportLimits limits) {
            super((Set<Class<?>>) null);
            // Tyrus buffers raw input up to this size while a frame is incomplete. One read may carry many
            // small frames, so it stays well above the message limit, which FrameLimitFilter enforces.
            engine = TyrusWebSocketEngine.builder(this)
                    .incomingBufferSize(Math.max(INCOMING_BUFFER_BYTES, 2 * limits.maxFrameBytes()))
                    .build();
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            engine.register(endpointClass, "/");
        }

        @Override
        public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
            engine.register(serverEndpointConfig, "/");
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public Map<String, Object> getProperties() {
            return Map.of();
        }
    }
}
