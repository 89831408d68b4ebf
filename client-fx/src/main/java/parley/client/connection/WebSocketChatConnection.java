package parley.client.connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ClientEvent;
import parley.protocol.CloseCodes;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;

import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import javax.net.ssl.SSLException;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ChatConnection} over the JDK's asynchronous WebSocket client. Sends are chained so that they leave
 * in call order (the JDK client allows one outstanding send at a time). It pings the server and reports the
 * connection as failed when the server stops answering, so a dead network shows within interval + timeout.
 */
public final class WebSocketChatConnection implements ChatConnection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketChatConnection.class);
    /** A refused or unreachable server must show up within a few seconds, never as a frozen window. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(15);
    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[]{'p'});

    private final EventCodec codec = new EventCodec();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final ServerTrust trust;
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
    private volatile WebSocket socket;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    /** Bumped on every connect and close, so that late callbacks of an abandoned attempt are ignored. */
    private final AtomicInteger attempt = new AtomicInteger();

    public WebSocketChatConnection(ServerTrust trust) {
        this(trust, DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT);
    }

    public WebSocketChatConnection(ServerTrust trust, Duration pingInterval, Duration pongTimeout) {
        this.trust = trust;
        this.pingInterval = pingInterval;
        this.pongTimeout = pongTimeout;
        long tick = Math.max(10, Math.min(1_000, Math.min(pingInterval.toMillis(), pongTimeout.toMillis()) / 4));
        heartbeat.scheduleWithFixedDelay(this::checkHeartbeat, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Pings when the server has been quiet for an interval; gives up when a ping went unanswered too long. */
    private void checkHeartbeat() {
        WebSocket current = socket;
        if (current == null) {
            return;
        }
        long quietMillis = (System.nanoTime() - lastHeardNanos) / 1_000_000;
        if (quietMillis >= pingInterval.toMillis() + pongTimeout.toMillis()) {
            int dead = attempt.get();
            if (attempt.compareAndSet(dead, dead + 1)) {
                socket = null;
                current.abort();
                state(ConnectionState.FAILED, "the server stopped answering (no reply for " + quietMillis / 1000 + " s)");
            }
        } else if ((System.nanoTime() - lastPingNanos) / 1_000_000 >= pingInterval.toMillis()) {
            // Every interval, busy or not: the answer's round trip is the lag the window shows.
            lastPingNanos = System.nanoTime();
            pingOutstanding = true;
            current.sendPing(PING.duplicate()).exceptionally(failure -> null);
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
        var problem = new AtomicReference<CertificateProblem>();
        HttpClient client = http;
        if (secure) {
            try {
                // One client per secure attempt: its trust decisions belong to this host and port.
                client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                        .sslContext(trust.contextFor(host, port, problem)).build();
            } catch (GeneralSecurityException e) {
                state(ConnectionState.FAILED, "TLS cannot be set up: " + e.getMessage());
                return;
            }
        }
        state(ConnectionState.CONNECTING, null);
        client.newWebSocketBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, new Reader(thisAttempt))
                .whenComplete((webSocket, failure) -> {
                    if (thisAttempt != attempt.get()) {
                        if (webSocket != null) {
                            webSocket.abort();
                        }
                    } else if (failure != null && problem.get() != null) {
                        Listener current = listener;
                        if (current != null) {
                            current.onCertificateProblem(problem.get());
                        }
                        state(ConnectionState.FAILED, "the server's certificate is not trusted: " + problem.get().reason());
                    } else if (failure != null) {
                        state(ConnectionState.FAILED, describe(failure, host, port, secure));
                    }
                });
    }

    @Override
    public synchronized void send(ClientEvent event) {
        WebSocket target = socket;
        if (target == null) {
            return;
        }
        String frame = codec.encode(event);
        lastSend = lastSend.handle((ignored, failure) -> null)
                .thenCompose(ignored -> target.sendText(frame, true))
                .exceptionally(failure -> {
                    log.debug("Send failed: {}", failure.toString());
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> close() {
        attempt.incrementAndGet();
        WebSocket closing = socket;
        socket = null;
        state(ConnectionState.DISCONNECTED, null);
        if (closing == null) {
            return CompletableFuture.completedFuture(null);
        }
        return closing.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
                .orTimeout(2, TimeUnit.SECONDS)
                .handle((ignored, failure) -> null);
    }

    private void state(ConnectionState state, String detail) {
        Listener current = listener;
        if (current != null) {
            current.onStateChanged(state, detail);
        }
    }

    private static String describe(Throwable failure, String host, int port, boolean secure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String tlsProblem = describeTls(cause, secure);
        if (tlsProblem != null) {
            return tlsProblem;
        }
        if (cause instanceof ConnectException) {
            return "no Parley server at " + host + ":" + port + " (connection refused)";
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
            return host + ":" + port + " did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return "unknown host " + host;
        }
        if (cause instanceof WebSocketHandshakeException refused && refused.getResponse().statusCode() == 503) {
            return "the server is full (too many connections, or too many from this address); try again later";
        }
        if (cause instanceof WebSocketHandshakeException) {
            return host + ":" + port + " is not a Parley server (no WebSocket at /chat)";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    /** What went wrong with TLS, or null when it was something else. */
    private static String describeTls(Throwable cause, boolean secure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable link = cause; link != null; link = link.getCause()) {
            messages.append(' ').append(link.getMessage());
        }
        String all = messages.toString();
        if (secure && all.contains("Unsupported or unrecognized SSL message")) {
            return "the server does not speak TLS on this port: turn off Secure (TLS)";
        }
        if (secure && (all.contains("bad_certificate") || all.contains("certificate_required")
                || all.contains("certificate_unknown") && !all.contains("PKIX"))) {
            return "the server wants a client certificate it trusts: choose one with Certificate… (or --client-cert FILE)";
        }
        if (secure && all.contains("Remote host terminated the handshake")) {
            return "the server hung up on the TLS handshake: it may not speak TLS on this port (turn off Secure)";
        }
        if (secure && cause instanceof SSLException) {
            return "the TLS handshake failed: " + cause.getMessage();
        }
        if (!secure && (all.contains("EOF reached while reading") || all.contains("header parser received no bytes")
                || all.contains("Connection reset"))) {
            return "the server hung up during the handshake: it may want TLS (turn on Secure)";
        }
        return null;
    }

    /** Receives frames of one connection attempt and passes whole events to the listener. */
    private final class Reader implements WebSocket.Listener {
        private final int ownAttempt;
        private final StringBuilder partial = new StringBuilder();

        Reader(int ownAttempt) {
            this.ownAttempt = ownAttempt;
        }

        /** Runs before any message of the connection, so that replies to the first one (welcome) can be sent. */
        @Override
        public void onOpen(WebSocket webSocket) {
            if (ownAttempt == attempt.get()) {
                lastHeardNanos = System.nanoTime();
                // The first ping goes out on the next tick, so the lag shows soon after connecting.
                lastPingNanos = lastHeardNanos - pingInterval.toNanos();
                socket = webSocket;
                state(ConnectionState.CONNECTED, null);
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastHeardNanos = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                deliver(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void deliver(String frame) {
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

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastHeardNanos = System.nanoTime();
            if (pingOutstanding && ownAttempt == attempt.get()) {
                pingOutstanding = false;
                Listener current = listener;
                if (current != null) {
                    current.onLatency(Duration.ofNanos(lastHeardNanos - lastPingNanos));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            lastHeardNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (ownAttempt == attempt.get()) {
                socket = null;
                String why = reason == null || reason.isBlank() ? "" : ": " + reason;
                String detail = "the server closed the connection (" + statusCode + why + ")";
                state(CloseCodes.allowsReconnect(statusCode) ? ConnectionState.FAILED : ConnectionState.REFUSED, detail);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (ownAttempt == attempt.get()) {
                socket = null;
                state(ConnectionState.FAILED, "connection lost: " + error.getMessage());
            }
        }
    }
}
