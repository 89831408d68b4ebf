package parley.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import parley.protocol.EventCodec;
import parley.server.access.Access;
import parley.server.access.TrustedProxies;
import parley.server.metrics.Metrics;
import parley.server.transport.AdminSettings;
import parley.server.access.LoginThrottle;
import parley.server.access.OriginPolicy;
import parley.server.access.Password;
import parley.server.chat.Chat;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.chat.ClusterUnavailable;
import parley.server.chat.Names;
import parley.server.cluster.ClusterBackplane;
import parley.server.cluster.ClusterOptions;
import parley.server.cluster.RedisClusterStore;
import parley.server.routing.ChatHandlers;
import parley.server.transport.TlsSettings;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** The server's command line: reads the options, wires chat, router and transport, and runs until stopped. */
@Command(name = "parley-server", mixinStandardHelpOptions = true, version = "Parley server 1.0, protocol v1",
        description = "Runs a Parley chat server at ws://HOST:PORT/chat.", sortOptions = false)
public final class ParleyServer implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);
    private static final EventCodec CODEC = new EventCodec();

    /** The metrics registry, when {@link Main} started loading it before the command line was read. */
    private final CompletableFuture<Metrics> prometheusLoading;

    public ParleyServer() {
        this(null);
    }

    ParleyServer(CompletableFuture<Metrics> prometheusLoading) {
        this.prometheusLoading = prometheusLoading;
    }

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to bind (default: ${DEFAULT-VALUE}, every interface; 127.0.0.1 for this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8025",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--history", paramLabel = "N", defaultValue = "" + ChatLimits.DEFAULT_HISTORY_SIZE,
            description = "Messages a plain join gets as history (default: ${DEFAULT-VALUE}).")
    int historySize;

    @Option(names = "--resume-buffer", paramLabel = "N", defaultValue = "" + ChatLimits.DEFAULT_RESUME_BUFFER,
            description = "Messages a room keeps for joins with \"since\" (default: ${DEFAULT-VALUE}; at least --history).")
    int resumeBuffer;

    @Option(names = "--max-text", paramLabel = "CHARS", defaultValue = "" + ChatLimits.DEFAULT_MAX_TEXT_LENGTH,
            description = "Longest message text in characters; longer is error 413 (default: ${DEFAULT-VALUE}).")
    int maxTextLength;

    @Option(names = "--max-rooms", paramLabel = "N", defaultValue = "" + ChatLimits.DEFAULT_MAX_ROOMS_PER_USER,
            description = "Rooms one user may be in; more is error 429 TOO_MANY_ROOMS (default: ${DEFAULT-VALUE}; 0 = no limit).")
    int maxRooms;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "" + ChatLimits.DEFAULT_GRACE_SECONDS,
            description = "How long a dropped user keeps nickname and rooms to resume (default: ${DEFAULT-VALUE}; 0 = leave at once).")
    long graceSeconds;

    @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "" + TransportLimits.DEFAULT_MAX_FRAME_BYTES,
            description = "Largest WebSocket message; larger closes the connection with 1009 (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--max-outbound", paramLabel = "BYTES", defaultValue = "" + TransportLimits.DEFAULT_MAX_OUTBOUND_BYTES,
            description = "Bytes queued for one client before it is closed as a slow consumer, 4000 (default: ${DEFAULT-VALUE}).")
    int maxOutboundBytes;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "" + TransportLimits.DEFAULT_RATE,
            description = "Requests per second per connection; more is error 429 (default: ${DEFAULT-VALUE}; 0 = no limit).")
    double rate;

    @Option(names = "--burst", paramLabel = "N", defaultValue = "" + TransportLimits.DEFAULT_BURST,
            description = "Requests a connection may send at once (default: ${DEFAULT-VALUE}).")
    int burst;

    @Option(names = "--max-refused", paramLabel = "N", defaultValue = "" + TransportLimits.DEFAULT_MAX_REFUSED_IN_A_ROW,
            description = "Refused requests in a row before closing with 4500 (default: ${DEFAULT-VALUE}; 0 = never).")
    int maxRefused;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + TransportLimits.DEFAULT_MAX_CONNECTIONS,
            description = "Open sockets on the server, counted from accept; more are answered HTTP 503 and closed (default: ${DEFAULT-VALUE}; 0 = no limit).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description = "Open sockets from one address, counted from accept; more are answered HTTP 503 and closed (default: ${DEFAULT-VALUE} = no limit).")
    int maxConnectionsPerAddress;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS",
            defaultValue = "" + TransportLimits.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS,
            description = "Time a new socket has to finish its WebSocket handshake before it is closed (default: ${DEFAULT-VALUE}).")
    double handshakeTimeoutSeconds;

    @Option(names = "--control-rate", paramLabel = "PER_SECOND",
            defaultValue = "" + TransportLimits.DEFAULT_CONTROL_FRAMES_PER_SECOND,
            description = "Pings and pongs a client may send per second, bursts of twice that; more closes with 1008 (default: ${DEFAULT-VALUE}; 0 = no limit).")
    int controlRate;

    @Option(names = "--max-waiting-requests", paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_WAITING_REQUESTS,
            description = "Requests of one client read while an earlier one waits for the cluster; more closes with 1008 (default: ${DEFAULT-VALUE}).")
    int maxWaitingRequests;

    @Option(names = "--ping-interval", paramLabel = "SECONDS",
            defaultValue = "" + TransportLimits.DEFAULT_PING_INTERVAL_SECONDS,
            description = "How often each client is pinged (default: ${DEFAULT-VALUE}; 0 = never).")
    double pingIntervalSeconds;

    @Option(names = "--ping-timeout", paramLabel = "SECONDS",
            defaultValue = "" + TransportLimits.DEFAULT_PONG_TIMEOUT_SECONDS,
            description = "How long a client has to answer a ping before it is dropped, 4001 (default: ${DEFAULT-VALUE}).")
    double pingTimeoutSeconds;

    @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:PARLEY_REDIS}",
            description = "Join the cluster of every server using this Redis, e.g. redis://localhost:6379 (default: $PARLEY_REDIS; none = run alone).")
    String redisUri;

    @Option(names = "--node-lease", paramLabel = "SECONDS", defaultValue = "" + ClusterOptions.DEFAULT_LEASE_SECONDS,
            description = "How long a stopped node's users keep their nicknames and seats in the cluster (default: ${DEFAULT-VALUE}).")
    double nodeLeaseSeconds;

    @Option(names = "--redis-timeout", paramLabel = "SECONDS", defaultValue = "" + ClusterOptions.DEFAULT_TIMEOUT_SECONDS,
            description = "How long to wait for Redis before serving the users here alone (default: ${DEFAULT-VALUE}).")
    double redisTimeoutSeconds;

    @Option(names = "--cluster-queue", paramLabel = "N", defaultValue = "" + ClusterOptions.DEFAULT_MAX_QUEUED_EVENTS,
            description = "Cluster events received and not yet handled before more are dropped (default: ${DEFAULT-VALUE}).")
    int clusterQueue;

    @Option(names = "--state-file", paramLabel = "FILE", defaultValue = "${env:PARLEY_STATE_FILE}",
            description = "A server alone keeps its users and rooms across a restart in FILE: saved when it stops"
                    + " (clients are closed with 1012 and resume), restored and removed when it starts (default: none;"
                    + " env PARLEY_STATE_FILE).")
    Path stateFilePath;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Speak TLS (wss://) with this PEM certificate chain, server certificate first; needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-key-password", paramLabel = "PASSWORD", defaultValue = "${env:PARLEY_TLS_KEY_PASSWORD}",
            description = "Password of an encrypted --tls-key (default: $PARLEY_TLS_KEY_PASSWORD, which other users cannot read).")
    String tlsKeyPassword;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Speak TLS (wss://) with the key and certificate chain in this PKCS#12 file.")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", defaultValue = "${env:PARLEY_TLS_KEYSTORE_PASSWORD}",
            description = "Password of --tls-keystore (default: $PARLEY_TLS_KEYSTORE_PASSWORD).")
    String tlsKeystorePassword;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Ask clients for a certificate signed by a CA in this PEM file (see --tls-client-auth).")
    Path tlsClientCa;

    @Option(names = "--tls-client-auth", paramLabel = "want|need", defaultValue = "need",
            description = "With --tls-client-ca: need = no certificate, no connection; want = ask, but let clients without one in (default: ${DEFAULT-VALUE}).")
    String tlsClientAuth;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
            description = "A web page origin whose browsers may connect, e.g. https://chat.example.org; repeatable; * = any (default: none, browsers are refused with 403).")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--require-origin", description = "Refuse clients that send no Origin header too (desktop clients send none).")
    boolean requireOrigin;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Clients must give the password on this file's first line (default: $PARLEY_PASSWORD when set; else none).")
    Path passwordFile;

    @Option(names = "--auth-timeout", paramLabel = "SECONDS", defaultValue = "" + Access.DEFAULT_AUTH_TIMEOUT_SECONDS,
            description = "How long a client has to give the password, else close 4003 (default: ${DEFAULT-VALUE}).")
    double authTimeoutSeconds;

    @Option(names = "--max-failed-logins", paramLabel = "N", defaultValue = "" + Access.DEFAULT_MAX_FAILED_LOGINS,
            description = "Wrong passwords from one address within --failed-login-window before it must wait, close 4502 (default: ${DEFAULT-VALUE}).")
    int maxFailedLogins;

    @Option(names = "--failed-login-window", paramLabel = "SECONDS", defaultValue = "" + Access.DEFAULT_FAILED_LOGIN_WINDOW_SECONDS,
            description = "The window of --max-failed-logins (default: ${DEFAULT-VALUE}).")
    double failedLoginWindowSeconds;

    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS|CIDR",
            description = "A load balancer whose X-Forwarded-For (or X-Real-IP) names the client; repeatable (default: none, the headers are ignored).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:PARLEY_LOG_FORMAT:-text}",
            description = "Log lines for people (text) or one JSON object per line for log shippers (json) (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--no-metrics", description = "Do not count for Prometheus: no /metrics page (default: on).")
    boolean noMetrics;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Turns on /admin/...: calls must carry Authorization: Bearer TOKEN, the token on this file's first line (default: off, /admin answers 404).")
    Path adminTokenFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Metrics metrics() {
        if (noMetrics) {
            return Metrics.off();
        }
        return prometheusLoading != null ? prometheusLoading.join() : Metrics.prometheus(Main.version());
    }

    /** Wires an in-memory chat to a WebSocket server and starts it; tests use this too. */
    public static WebSocketServer start(String host, int port, ChatLimits chatLimits, TransportLimits transportLimits)
            throws IOException {
        return start(host, port, ChatService.alone(CODEC, chatLimits, Clock.systemUTC()), transportLimits);
    }

    /** Wires a chat (alone or one node of a cluster) to a WebSocket server and starts it. */
    public static WebSocketServer start(String host, int port, Chat chat, TransportLimits transportLimits)
            throws IOException {
        return start(host, port, chat, transportLimits, Access.open(), null);
    }

    /** Wires a chat to a WebSocket server with access rules, over TLS when {@code tls} is not null, and starts it. */
    public static WebSocketServer start(String host, int port, Chat chat, TransportLimits transportLimits,
                                        Access access, TlsSettings tls) throws IOException {
        return start(host, port, chat, transportLimits, access, tls, Metrics.off());
    }

    /** Wires and starts a server that counts what operators watch ({@code /metrics}). */
    public static WebSocketServer start(String host, int port, Chat chat, TransportLimits transportLimits,
                                        Access access, TlsSettings tls, Metrics metrics) throws IOException {
        return start(host, port, chat, transportLimits, access, tls, metrics, null);
    }

    /** Wires and starts a server with metrics, and the administrators' API when {@code admin} is not null. */
    public static WebSocketServer start(String host, int port, Chat chat, TransportLimits transportLimits,
                                        Access access, TlsSettings tls, Metrics metrics, AdminSettings admin)
            throws IOException {
        // Tyrus and Grizzly log through java.util.logging: route it to SLF4J, once per process.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Names.prepareInBackground();
        chat.announce(transportLimits.ratePerSecond(), transportLimits.burst(), transportLimits.maxFrameBytes());
        return WebSocketServer.start(host, port, chat, ChatHandlers.router(chat, CODEC, metrics), transportLimits, access,
                tls, metrics, admin);
    }

    /**
     * A cluster node's chat, started: connected to Redis, listening to the cluster, its first lease taken.
     *
     * @throws ClusterUnavailable when Redis cannot be reached
     */
    public static ChatService clusterChat(ClusterOptions options, ChatLimits chatLimits) {
        var store = new RedisClusterStore(options.redisUri(), options.timeout(), options.maxQueuedEvents());
        var chat = new ChatService(CODEC, chatLimits, Clock.systemUTC(),
                ClusterBackplane.withOwnThreads(CODEC, chatLimits, store, options.lease()));
        chat.start();
        return chat;
    }

    private Access access() throws IOException {
        Password password = null;
        if (passwordFile != null) {
            password = Password.fromFile(passwordFile);
        } else if (System.getenv("PARLEY_PASSWORD") != null && !System.getenv("PARLEY_PASSWORD").isEmpty()) {
            password = Password.of(System.getenv("PARLEY_PASSWORD"));
        }
        var throttle = new LoginThrottle(maxFailedLogins, seconds(failedLoginWindowSeconds), Access.MAX_TRACKED_ADDRESSES,
                System::nanoTime);
        if (authTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--auth-timeout must be > 0");
        }
        return new Access(password, throttle, seconds(authTimeoutSeconds),
                new OriginPolicy(Set.copyOf(allowedOrigins), requireOrigin), trustedProxies());
    }

    private TrustedProxies trustedProxies() {
        try {
            return TrustedProxies.of(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--trusted-proxy: " + e.getMessage(), e);
        }
    }

    private TlsSettings tls() throws TlsSettings.SetupException {
        TlsSettings.ClientAuth clientAuth = switch (tlsClientAuth.toLowerCase(Locale.ROOT)) {
            case "want" -> TlsSettings.ClientAuth.WANT;
            case "need" -> TlsSettings.ClientAuth.NEED;
            default -> throw new IllegalArgumentException("--tls-client-auth must be want or need");
        };
        if (tlsCert != null && tlsKeystore != null) {
            throw new IllegalArgumentException("give --tls-cert and --tls-key, or --tls-keystore, not both");
        }
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            return TlsSettings.fromPem(tlsCert, tlsKey, chars(tlsKeyPassword), tlsClientCa, clientAuth);
        }
        if (tlsKeystore != null) {
            return TlsSettings.fromPkcs12(tlsKeystore, chars(tlsKeystorePassword), tlsClientCa, clientAuth);
        }
        if (tlsClientCa != null) {
            throw new IllegalArgumentException("--tls-client-ca needs TLS: --tls-cert and --tls-key, or --tls-keystore");
        }
        return null;
    }

    /**
     * Time since the JVM started, e.g. "0.71 s". (The process's start instant from {@code ProcessHandle} is built
     * on the boot time in whole seconds, so it is up to a second off.)
     */
    private static String sinceJvmStart() {
        return String.format(Locale.ROOT, "%.2f s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static Duration seconds(double seconds) {
        if (seconds < 0 || Double.isNaN(seconds)) {
            throw new IllegalArgumentException("durations must be >= 0 seconds");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ChatLimits chatLimits;
        TransportLimits transportLimits;
        ClusterOptions clusterOptions = null;
        StateFile stateFile = null;
        Access access;
        TlsSettings tls;
        try {
            if (!logFormat.equalsIgnoreCase("text") && !logFormat.equalsIgnoreCase("json")) {
                throw new IllegalArgumentException("--log-format must be text or json");
            }
            LogSetup.useJson(logFormat.equalsIgnoreCase("json"));
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("--port must be 0-65535");
            }
            chatLimits = new ChatLimits(historySize, resumeBuffer, maxTextLength, maxRooms,
                    Duration.ofSeconds(graceSeconds), ChatLimits.DEFAULT_RECENT_WHISPERS);
            transportLimits = new TransportLimits(maxFrameBytes, maxOutboundBytes, rate, burst, maxRefused,
                    maxConnections, maxConnectionsPerAddress, seconds(pingIntervalSeconds), seconds(pingTimeoutSeconds),
                    seconds(handshakeTimeoutSeconds), controlRate, maxWaitingRequests);
            access = access();
            tls = tls();
            if (redisUri != null && !redisUri.isBlank()) {
                clusterOptions = new ClusterOptions(redisUri.strip(), seconds(nodeLeaseSeconds),
                        seconds(redisTimeoutSeconds), clusterQueue);
            }
            if (stateFilePath != null && !stateFilePath.toString().isEmpty()) {
                boolean given = spec.commandLine().getParseResult().hasMatchedOption("--state-file");
                if (clusterOptions != null && given) {
                    throw new IllegalArgumentException("--state-file is for a server alone: a cluster keeps its"
                            + " sessions in Redis");
                }
                if (clusterOptions == null) {
                    stateFile = new StateFile(stateFilePath);
                    stateFile.checkWritable();
                } else {
                    // A unit that sets PARLEY_STATE_FILE for every server must not stop a cluster node starting.
                    log.info("PARLEY_STATE_FILE is not used: a cluster node keeps its sessions in Redis");
                }
            }
        } catch (TlsSettings.SetupException e) {
            spec.commandLine().getErr().println("parley-server: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            spec.commandLine().getErr().println("parley-server: cannot read the password file: " + e);
            return 2;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("parley-server: " + e.getMessage()
                    + " (see --help: sizes and counts are >= 0, --max-frame >= 256, --max-outbound >= 1024,"
                    + " --resume-buffer >= --history, --ping-timeout > 0 when pinging, --handshake-timeout >= 0.1, --node-lease >= 1,"
                    + " --redis-timeout > 0, --cluster-queue >= 1, --max-waiting-requests >= 1, --redis redis://HOST:PORT)");
            return 2;
        }
        ChatService chat;
        if (clusterOptions == null) {
            chat = ChatService.alone(CODEC, chatLimits, Clock.systemUTC());
            if (stateFile != null) {
                stateFile.restoreInto(chat);
            }
        } else {
            try {
                chat = clusterChat(clusterOptions, chatLimits);
            } catch (ClusterUnavailable e) {
                spec.commandLine().getErr().println("parley-server: " + e.getMessage());
                return 1;
            }
            log.info("Cluster node {} on Redis {}", chat.health().get("node"), clusterOptions.redisUri());
        }
        var stopping = new Stopping(chat, clusterOptions != null, chatLimits.gracePeriod(), stateFile);
        AdminSettings admin = null;
        if (adminTokenFile != null) {
            try {
                admin = new AdminSettings(Password.fromFile(adminTokenFile), Access.defaultThrottle(), stopping::stopAndExit);
            } catch (IOException e) {
                spec.commandLine().getErr().println("parley-server: cannot read the admin token file: " + e);
                chat.close();
                return 2;
            }
        }
        WebSocketServer server;
        try {
            server = start(host, port, chat, transportLimits, access, tls, metrics(), admin);
        } catch (BindException e) {
            spec.commandLine().getErr().println("parley-server: cannot listen on " + host + ":" + port + ": "
                    + (e.getMessage() == null ? "address in use" : e.getMessage().toLowerCase()));
            return 1;
        }
        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        log.info("Parley listening on {}:{}; clients connect to {}://{}:{}{}{} (started in {})", host, server.port(),
                server.isSecure() ? "wss" : "ws", shownHost, server.port(), WebSocketServer.PATH,
                access.needsPassword() ? " with the password" : "", sinceJvmStart());

        stopping.serving(server);
        Runtime.getRuntime().addShutdownHook(new Thread(stopping::stop, "parley-shutdown"));
        stopping.awaitStopped();
        return 0;
    }
}
