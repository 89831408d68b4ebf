package parley.client.connection;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.glassfish.tyrus.core.HandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ClientEvent;
import parley.protocol.CloseCodes;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ChatConnection} over the Jakarta WebSocket client API, on Tyrus with its Grizzly container. Connecting
 * and sending happen on one thread of its own, in call order; events arrive on Tyrus's threads. It sends no
 * {@code Origin} header (it is a desktop client, not a web page), checks the server's certificate through
 * {@link ServerTrust}, presents the client certificate, pings the server and reports the connection as failed
 * when the server stops answering, so a dead network shows within interval + timeout.
 */
public final class TyrusChatConnection implements ChatConnection {
    private static final Logger log = LoggerFactory.getLogger(TyrusChatConnection.class);
    /** A refused or unreachable server must show up within a few seconds, never as a frozen window. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(15);
    private static final byte[] PING = {'p'};

    private final EventCodec codec = new EventCodec();
    private final ServerTrust trust;
    private final ClientManager client = ClientManager.createClient(GrizzlyClientContainer.class.getName());
    /** Connects, sends and closes, one thing at a time and in call order. */
    private final ExecutorService outbound = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-client-send");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-client-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private volatile long lastHeardNanos;
    private volatile long lastPingNanos;
    private volatile boolean pingOutstanding;
    private volatile Listener listener;
    private volatile Session session;
    /** Bumped on every connect and close, so that late callbacks of an abandoned attempt are ignored. */
    private final AtomicInteger attempt = new AtomicInteger();

    public TyrusChatConnection(ServerTrust trust) {
        this(trust, DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT);
    }

    public TyrusChatConnection(ServerTrust trust, Duration pingInterval, Duration pongTimeout) {
        this.trust = trust;
        this.pingInterval = pingInterval;
        this.pongTimeout = pongTimeout;
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, (int) CONNECT_TIMEOUT.toMillis());
        long tick = Math.max(10, Math.min(1_000, Math.min(pingInterval.toMillis(), pongTimeout.toMillis()) / 4));
        heartbeat.scheduleWithFixedDelay(this::checkHeartbeat, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Pings every interval (the answer's round trip is the lag); gives up when the server is silent too long. */
    private void checkHeartbeat() {
        Session current = session;
        if (current == null) {
            return;
        }
        long quietMillis = (System.nanoTime() - lastHeardNanos) / 1_000_000;
        if (quietMillis >= pingInterval.toMillis() + pongTimeout.toMillis()) {
            int dead = attempt.get();
            if (attempt.compareAndSet(dead, dead + 1)) {
                session = null;
                outbound.execute(() -> abort(current));
                state(ConnectionState.FAILED, "the server stopped answering (no reply for " + quietMillis / 1000 + " s)");
            }
        } else if ((System.nanoTime() - lastPingNanos) / 1_000_000 >= pingInterval.toMillis()) {
            lastPingNanos = System.nanoTime();
            pingOutstanding = true;
            try {
                current.getAsyncRemote().sendPing(ByteBuffer.wrap(PING));
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                log.debug("Ping failed: {}", e.toString());
            }
        }
    }

    @Override
    public void connect(String host, int port, boolean secure, String resumeToken) {
        int thisAttempt = attempt.incrementAndGet();
        URI uri;
        try {
            uri = new URI(secure ? "wss" : "ws", null, host, port, "/chat",
                    resumeToken == null ? null : "resume=" + resumeToken, null);
        } catch (URISyntaxException e) {
            state(ConnectionState.FAILED, "not a valid host: " + host);
            return;
        }
        state(ConnectionState.CONNECTING, null);
        outbound.execute(() -> open(uri, host, port, secure, thisAttempt));
    }

    private void open(URI uri, String host, int port, boolean secure, int thisAttempt) {
        if (thisAttempt != attempt.get()) {
            return;
        }
        var problem = new AtomicReference<CertificateProblem>();
        if (secure) {
            try {
                // The trust decisions of a secure attempt belong to its host and port.
                var ssl = new SslEngineConfigurator(trust.contextFor(host, port, problem), true, false, false);
                ssl.setHostVerificationEnabled(true);
                client.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, ssl);
            } catch (GeneralSecurityException e) {
                state(ConnectionState.FAILED, "TLS cannot be set up: " + e.getMessage());
                return;
            }
        } else {
            client.getProperties().remove(ClientProperties.SSL_ENGINE_CONFIGURATOR);
        }
        var config = ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(Map<String, List<String>> headers) {
                // A desktop client is not a web page: servers tell browsers apart by this header.
                headers.remove("Origin");
                headers.remove("origin");
            }
        }).build();
        try {
            Session opened = client.asyncConnectToServer(new Reader(thisAttempt), config, uri)
                    .get(CONNECT_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (thisAttempt != attempt.get()) {
                abort(opened);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | DeploymentException | RuntimeException e) {
            if (thisAttempt != attempt.get()) {
                return;
            }
            if (problem.get() != null) {
                Listener current = listener;
                if (current != null) {
                    current.onCertificateProblem(problem.get());
                }
                state(ConnectionState.FAILED, "the server's certificate is not trusted: " + problem.get().reason());
            } else {
                String why = describe(e, host, port, secure);
                if (why.endsWith(" did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s")) {
                    // Tyrus does not notice a server that hangs up during the handshake: ask the port itself.
                    String mismatch = HandshakeProbe.tlsMismatch(host, port, secure);
                    why = mismatch != null ? mismatch : why;
                }
                state(ConnectionState.FAILED, why);
            }
        }
    }

    @Override
    public void send(ClientEvent event) {
        Session target = session;
        if (target == null) {
            return;
        }
        String frame = codec.encode(event);
        outbound.execute(() -> {
            try {
                target.getBasicRemote().sendText(frame);
            } catch (IOException | IllegalStateException e) {
                log.debug("Send failed: {}", e.toString());
            }
        });
    }

    @Override
    public CompletableFuture<Void> close() {
        attempt.incrementAndGet();
        Session closing = session;
        session = null;
        state(ConnectionState.DISCONNECTED, null);
        if (closing == null) {
            return CompletableFuture.completedFuture(null);
        }
        var done = new CompletableFuture<Void>();
        outbound.execute(() -> {
            try {
                closing.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            } catch (IOException | IllegalStateException e) {
                log.debug("Close failed: {}", e.toString());
            }
            done.complete(null);
        });
        return done.completeOnTimeout(null, 2, TimeUnit.SECONDS);
    }

    private static void abort(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "abandoned"));
        } catch (IOException | IllegalStateException e) {
            log.debug("Abort failed: {}", e.toString());
        }
    }

    private void state(ConnectionState state, String detail) {
        Listener current = listener;
        if (current != null) {
            current.onStateChanged(state, detail);
        }
    }

    static String describe(Throwable failure, String host, int port, boolean secure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof DeploymentException
                || cause instanceof IOException && cause.getClass() == IOException.class) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String all = chain(failure);
        String tlsProblem = describeTls(cause, all, secure);
        if (tlsProblem != null) {
            return tlsProblem;
        }
        if (cause instanceof HandshakeException refused) {
            return refused.getHttpStatusCode() == 503
                    ? "the server is full (too many connections, or too many from this address); try again later"
                    : host + ":" + port + " is not a Parley server (no WebSocket at /chat: HTTP " + refused.getHttpStatusCode() + ")";
        }
        if (cause instanceof ConnectException || all.contains("Connection refused")) {
            return "no Parley server at " + host + ":" + port + " (connection refused)";
        }
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException || all.contains("timed out")
                || all.contains("Handshake response not received")) {
            return host + ":" + port + " did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return "unknown host " + host;
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static String chain(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable link = failure; link != null; link = link.getCause()) {
            messages.append(' ').append(link.getClass().getSimpleName()).append(": ").append(link.getMessage());
            if (link.getCause() == link) {
                break;
            }
        }
        return messages.toString();
    }

    /** What went wrong with TLS, or null when it was something else. */
    private static String describeTls(Throwable cause, String all, boolean secure) {
        if (secure && all.contains("Unsupported or unrecognized SSL message")) {
            return "the server does not speak TLS on this port: turn off Secure (TLS)";
        }
        if (secure && (all.contains("bad_certificate") || all.contains("certificate_required")
                || all.contains("certificate_unknown") && !all.contains("PKIX"))) {
            return "the server wants a client certificate it trusts: choose one with Certificate… (or --client-cert FILE)";
        }
        if (secure && (all.contains("Remote host terminated the handshake") || all.contains("SSLHandshakeException")
                && all.contains("closed"))) {
            return "the server hung up on the TLS handshake: it may not speak TLS on this port (turn off Secure)";
        }
        if (secure && cause instanceof SSLException) {
            return "the TLS handshake failed: " + cause.getMessage();
        }
        if (!secure && (all.contains("Connection reset") || all.contains("Connection closed")
                || all.contains("closed by the remote"))) {
            return "the server hung up during the handshake: it may want TLS (turn on Secure)";
        }
        return null;
    }

    /** The endpoint of one connection attempt: passes whole events to the listener. */
    private final class Reader extends Endpoint {
        private final int ownAttempt;

        Reader(int ownAttempt) {
            this.ownAttempt = ownAttempt;
        }

        /** Runs before any message of the connection is read, so the handlers see the first one (welcome). */
        @Override
        public void onOpen(Session opened, EndpointConfig config) {
            opened.setMaxIdleTimeout(0);
            opened.setMaxTextMessageBufferSize(4 * 1024 * 1024);
            opened.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::deliver);
            opened.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> ponged());
            if (ownAttempt == attempt.get()) {
                lastHeardNanos = System.nanoTime();
                // The first ping goes out on the next tick, so the lag shows soon after connecting.
                lastPingNanos = lastHeardNanos - pingInterval.toNanos();
                session = opened;
                state(ConnectionState.CONNECTED, null);
            }
        }

        private void deliver(String frame) {
            lastHeardNanos = System.nanoTime();
            Listener current = listener;
            if (ownAttempt != attempt.get() || current == null) {
                return;
            }
            try {
                current.onEvent(codec.decodeServerEvent(frame));
            } catch (ProtocolException e) {
                log.warn("Ignoring an unreadable frame from the server: {}", e.getMessage());
            }
        }

        private void ponged() {
            lastHeardNanos = System.nanoTime();
            if (pingOutstanding && ownAttempt == attempt.get()) {
                pingOutstanding = false;
                Listener current = listener;
                if (current != null) {
                    current.onLatency(Duration.ofNanos(lastHeardNanos - lastPingNanos));
                }
            }
        }

        @Override
        public void onClose(Session closed, CloseReason reason) {
            if (ownAttempt == attempt.get()) {
                session = null;
                int code = reason.getCloseCode().getCode();
                String why = reason.getReasonPhrase() == null || reason.getReasonPhrase().isBlank() ? "" : ": " + reason.getReasonPhrase();
                String detail = "the server closed the connection (" + code + why + ")";
                state(code == CloseCodes.SERVICE_RESTART ? ConnectionState.RESTARTING
                        : CloseCodes.allowsReconnect(code) ? ConnectionState.FAILED : ConnectionState.REFUSED, detail);
            }
        }

        @Override
        public void onError(Session failed, Throwable error) {
            if (ownAttempt == attempt.get() && session == failed) {
                session = null;
                state(ConnectionState.FAILED, "connection lost: " + error.getMessage());
            }
        }
    }
}
