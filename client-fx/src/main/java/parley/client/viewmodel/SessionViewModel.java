package parley.client.viewmodel;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import parley.client.connection.CertificateProblem;
import parley.client.connection.ChatConnection;
import parley.client.connection.ConnectionState;
import parley.client.connection.ServerTrust;
import parley.protocol.ClientEvent;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * The connection's side of a window: where to connect (host, port, TLS), the state and its words for the status
 * bar, reconnecting with backoff and resuming, the server's password, the certificate decisions and the client
 * certificate. What the session means for the conversations (it ended, it was lost) goes to {@link Events}.
 * Owned by the FX thread.
 */
public final class SessionViewModel {

    /** What the rest of the window hears from the session. */
    interface Events {
        /** A new session is about to start with this server ({@code host_port}). */
        void connecting(String server);

        /** The connection dropped and will be repaired; {@code first} on the first attempt of a series. */
        void lost(String detail, boolean first);

        /** The session is over for good (disconnected, failed or refused), with a line saying why. */
        void ended(String reason);

        void note(String text);

        void noteError(String text);
    }

    private final StringProperty host = new SimpleStringProperty(Settings.DEFAULT_HOST);
    private final StringProperty port = new SimpleStringProperty(String.valueOf(Settings.DEFAULT_PORT));
    private final BooleanProperty secure = new SimpleBooleanProperty(false);
    private final StringProperty password = new SimpleStringProperty("");

    private final ReadOnlyObjectWrapper<ConnectionState> state = new ReadOnlyObjectWrapper<>(ConnectionState.DISCONNECTED);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Disconnected");
    private final ReadOnlyStringWrapper latency = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper encrypted = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper fingerprint = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper reconnecting = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<CertificateProblem> certificateProblem = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper passwordRequested = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper clientCertificate = new ReadOnlyStringWrapper("");

    private final BooleanBinding connected = state.isEqualTo(ConnectionState.CONNECTED);
    private final BooleanBinding active;
    private final BooleanBinding failed = state.isEqualTo(ConnectionState.FAILED).or(state.isEqualTo(ConnectionState.REFUSED));
    private final BooleanBinding canConnect;

    private final ChatConnection connection;
    private final Executor fxThread;
    private final Settings.Store settingsStore;
    private final ServerTrust trust;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final Events events;
    private Executor background = Runnable::run;
    /** The password given for this server in this session, sent again when reconnecting; empty when none. */
    private String givenPassword = "";
    /** The session's resume token from the last welcome, or null before the first one. */
    private String resumeToken;
    /** True from connect() until disconnect() or a do-not-reconnect close: connection losses are repaired. */
    private boolean wantConnected;
    private int reconnectAttempt;
    /** Quick tries left after the server said it restarts (close 1012), before the usual backoff. */
    private int restartTriesLeft;
    private Runnable cancelReconnect = () -> { };

    SessionViewModel(ChatConnection connection, Executor fxThread, Settings.Store settingsStore, ServerTrust trust,
                     Scheduler scheduler, Backoff backoff, Events events) {
        this.connection = connection;
        this.fxThread = fxThread;
        this.settingsStore = settingsStore;
        this.trust = trust;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.events = events;
        Settings settings = settingsStore.load();
        host.set(settings.host());
        port.set(String.valueOf(settings.port()));
        secure.set(settings.secure());
        clientCertificate.set(trust.clientCertificateName() == null ? "" : trust.clientCertificateName());
        active = connected.or(state.isEqualTo(ConnectionState.CONNECTING)).or(reconnecting);
        canConnect = Bindings.createBooleanBinding(
                () -> !active.get() && !host.get().isBlank() && parsePort(port.get()) > 0, active, host, port);
    }

    /** Where slow work (reading files, decrypting keys) runs; the caller's thread until set. */
    void setBackground(Executor background) {
        this.background = background;
    }

    // --- commands

    /** Connects with the host and port entered, remembering them with the nickname to claim. */
    boolean connect(String nick) {
        takeUrlApart();
        if (!canConnect.get()) {
            return false;
        }
        certificateProblem.set(null);
        // A password is only ever sent again to the server it was given to, on reconnects.
        givenPassword = "";
        int portNumber = parsePort(port.get());
        settingsStore.save(new Settings(host.get().strip(), portNumber, nick, secure.get()));
        events.connecting(host.get().strip().toLowerCase(Locale.ROOT) + "_" + portNumber);
        wantConnected = true;
        resumeToken = null;
        reconnectAttempt = 0;
        connection.connect(host.get().strip(), portNumber, secure.get(), null);
        return true;
    }

    /** A {@code ws://} or {@code wss://} URL typed as the host fills host, port and the TLS choice. */
    private void takeUrlApart() {
        String typed = host.get().strip();
        String lower = typed.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("ws://") && !lower.startsWith("wss://")) {
            return;
        }
        try {
            URI uri = new URI(typed);
            boolean tls = lower.startsWith("wss://");
            if (uri.getHost() == null) {
                return;
            }
            secure.set(tls);
            host.set(uri.getHost());
            port.set(String.valueOf(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80));
        } catch (URISyntaxException e) {
            // Left as typed: the connection reports the host as invalid.
        }
    }

    /**
     * Trusts the certificate the server presented, for this host and port from now on, and connects again;
     * {@code reconnect} starts a new session when there is none to resume.
     */
    void trustCertificate(Runnable reconnect) {
        CertificateProblem problem = certificateProblem.get();
        if (problem == null) {
            return;
        }
        trust.pins().pin(problem.host().toLowerCase(Locale.ROOT) + ":" + problem.port(), problem.fingerprint());
        certificateProblem.set(null);
        events.note("You trust the certificate of " + problem.server() + " (SHA-256 " + problem.fingerprint() + ")");
        if (resumeToken != null) {
            wantConnected = true;
            connection.connect(problem.host(), problem.port(), true, resumeToken);
        } else {
            reconnect.run();
        }
    }

    /** Does not trust the certificate: stays offline. */
    public void distrustCertificate() {
        CertificateProblem problem = certificateProblem.get();
        certificateProblem.set(null);
        if (problem != null) {
            status.set("Offline: the certificate of " + problem.server() + " is not trusted");
        }
    }

    /** Presents this PKCS#12 client certificate from the next connection on; says in the log whether it worked. */
    public void useClientCertificate(Path pkcs12, char[] secret) {
        // Reading and decrypting the file takes a while: not on the FX thread.
        background.execute(() -> {
            try {
                String subject = trust.useClientCertificate(pkcs12, secret);
                fxThread.execute(() -> {
                    clientCertificate.set(subject);
                    events.note("Client certificate " + subject + " (" + pkcs12.getFileName()
                            + ") is used from the next connection on");
                });
            } catch (IOException | GeneralSecurityException e) {
                fxThread.execute(() -> events.noteError("Cannot use " + pkcs12.getFileName()
                        + " as a client certificate (wrong password, or not a PKCS#12 file): " + e.getMessage()));
            } finally {
                java.util.Arrays.fill(secret, '\0');
            }
        });
    }

    /** Gives the server the password it asked for. */
    public void submitPassword() {
        if (!passwordRequested.get() || password.get().isEmpty()) {
            return;
        }
        givenPassword = password.get();
        password.set("");
        passwordRequested.set(false);
        status.set("Checking the password…");
        connection.send(new ClientEvent.Auth(givenPassword, null));
    }

    /** Disconnects, or stops trying to reconnect. */
    public void disconnect() {
        wantConnected = false;
        stopReconnecting();
        connection.close();
    }

    /** Skips the wait before the next reconnect attempt. */
    public void reconnectNow() {
        if (!reconnecting.get()) {
            return;
        }
        cancelReconnect.run();
        connection.connect(host.get().strip(), parsePort(port.get()), secure.get(), resumeToken);
    }

    // --- what the connection and the server report

    void certificateProblem(CertificateProblem problem) {
        certificateProblem.set(problem);
    }

    void latency(Duration roundTrip) {
        latency.set("lag " + Math.max(0, roundTrip.toMillis()) + " ms");
    }

    /** The server has a password: the one given earlier in this session is sent again, else the user is asked. */
    void authRequired() {
        if (!givenPassword.isEmpty()) {
            connection.send(new ClientEvent.Auth(givenPassword, null));
            return;
        }
        passwordRequested.set(true);
        status.set("The server asks for a password");
    }

    /** The server welcomed us; returns whether this ended a series of reconnect attempts. */
    boolean welcomed(String token) {
        passwordRequested.set(false);
        boolean wasReconnecting = reconnecting.get();
        stopReconnecting();
        resumeToken = token;
        return wasReconnecting;
    }

    /** The status line once we have a name. */
    void connectedAs(String nick) {
        if (state.get() == ConnectionState.CONNECTED) {
            status.set("Connected as " + nick);
        }
    }

    void changeState(ConnectionState newState, String detail) {
        state.set(newState);
        if (newState != ConnectionState.CONNECTED) {
            encrypted.set(false);
            latency.set("");
        }
        switch (newState) {
            case CONNECTING -> status.set(reconnecting.get()
                    ? "Reconnecting to " + where() + " (attempt " + reconnectAttempt + ")…"
                    : "Connecting to " + where() + "…");
            case CONNECTED -> {
                status.set("Connected");
                encrypted.set(secure.get());
                String seen = secure.get() ? trust.acceptedFingerprint(host.get().strip(), parsePort(port.get())) : null;
                fingerprint.set(seen == null ? "" : seen);
            }
            case DISCONNECTED -> {
                status.set("Disconnected");
                end("Disconnected.");
            }
            case FAILED -> {
                passwordRequested.set(false);
                if (certificateProblem.get() != null) {
                    // Trying again changes nothing: the user decides (trustCertificate / distrustCertificate).
                    wantConnected = false;
                    stopReconnecting();
                    status.set(certificateProblem.get().changed()
                            ? "Stopped: the certificate of " + certificateProblem.get().server() + " has CHANGED"
                            : "Stopped: the certificate of " + certificateProblem.get().server() + " is not trusted");
                } else if (wantConnected && resumeToken != null) {
                    scheduleReconnect(detail);
                } else {
                    wantConnected = false;
                    status.set("Failed: " + detail);
                    end("Connection failed: " + detail);
                }
            }
            case RESTARTING -> {
                passwordRequested.set(false);
                if (wantConnected && resumeToken != null) {
                    comeBackSoon(detail);
                } else {
                    wantConnected = false;
                    status.set("Disconnected: the server restarts");
                    end("The server restarts: " + detail);
                }
            }
            case REFUSED -> {
                passwordRequested.set(false);
                givenPassword = "";
                wantConnected = false;
                stopReconnecting();
                status.set("Offline: " + detail + "; not reconnecting");
                end("The server ended the session and asked not to reconnect: " + detail);
            }
        }
    }

    private void end(String reason) {
        stopReconnecting();
        resumeToken = null;
        latency.set("");
        events.ended(reason);
    }

    /** After a lost connection: the window keeps its conversations, and tries again after a growing pause. */
    private void scheduleReconnect(String detail) {
        boolean restarting = restartTriesLeft > 0;
        events.lost(detail, reconnectAttempt == 0 && !restarting);
        reconnectAttempt++;
        reconnecting.set(true);
        Duration delay;
        if (restarting) {
            restartTriesLeft--;
            delay = backoff.whileRestarting();
            status.set(String.format(Locale.ROOT, "The server restarts: not back yet, trying again in %.1f s",
                    delay.toMillis() / 1000.0));
        } else {
            delay = backoff.delay(reconnectAttempt);
            status.set(String.format(Locale.ROOT, "Reconnecting in %.1f s (attempt %d)", delay.toMillis() / 1000.0,
                    reconnectAttempt));
        }
        cancelReconnect = scheduler.schedule(delay, () -> {
            if (wantConnected) {
                connection.connect(host.get().strip(), parsePort(port.get()), secure.get(), resumeToken);
            }
        });
    }

    /**
     * The server restarts: come back within 0–2 s, resuming (through a load balancer, on another server, or on
     * the same server once it is back); while it is not back, try again every 0.5–1 s for about half a minute, and
     * only then back off as usual.
     */
    private void comeBackSoon(String detail) {
        events.lost(detail, true);
        reconnecting.set(true);
        restartTriesLeft = Backoff.RESTART_TRIES;
        Duration delay = backoff.afterRestart();
        status.set(String.format(Locale.ROOT, "The server restarts: reconnecting in %.1f s", delay.toMillis() / 1000.0));
        cancelReconnect = scheduler.schedule(delay, () -> {
            if (wantConnected) {
                connection.connect(host.get().strip(), parsePort(port.get()), secure.get(), resumeToken);
            }
        });
    }

    private void stopReconnecting() {
        cancelReconnect.run();
        cancelReconnect = () -> { };
        reconnecting.set(false);
        reconnectAttempt = 0;
        restartTriesLeft = 0;
    }

    private String where() {
        return host.get().strip() + ":" + port.get().strip();
    }

    /** The port typed, or -1 when it is not one from 1 to 65535. */
    public static int parsePort(String text) {
        try {
            int value = Integer.parseInt(text.strip());
            return value >= 1 && value <= 65_535 ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // --- properties

    public StringProperty hostProperty() {
        return host;
    }

    public StringProperty portProperty() {
        return port;
    }

    /** Whether to connect with TLS ({@code wss://}). */
    public BooleanProperty secureProperty() {
        return secure;
    }

    /** The password being typed, when the server asked for one. */
    public StringProperty passwordProperty() {
        return password;
    }

    public ReadOnlyObjectProperty<ConnectionState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** "lag 4 ms": the round trip of the last ping, or empty when not connected. */
    public ReadOnlyStringProperty latencyProperty() {
        return latency.getReadOnlyProperty();
    }

    /** Whether the live connection is encrypted (TLS). */
    public ReadOnlyBooleanProperty encryptedProperty() {
        return encrypted.getReadOnlyProperty();
    }

    /** The SHA-256 fingerprint of the server's certificate on an encrypted connection, else empty. */
    public ReadOnlyStringProperty fingerprintProperty() {
        return fingerprint.getReadOnlyProperty();
    }

    /** True while the connection is lost and the window is waiting to try again. */
    public ReadOnlyBooleanProperty reconnectingProperty() {
        return reconnecting.getReadOnlyProperty();
    }

    /** A certificate waiting for the user's decision, or null. */
    public ReadOnlyObjectProperty<CertificateProblem> certificateProblemProperty() {
        return certificateProblem.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty passwordRequestedProperty() {
        return passwordRequested.getReadOnlyProperty();
    }

    /** The subject of the client certificate presented to servers that ask, or empty. */
    public ReadOnlyStringProperty clientCertificateProperty() {
        return clientCertificate.getReadOnlyProperty();
    }

    /** Whether the window is connected now. */
    public BooleanBinding connectedProperty() {
        return connected;
    }

    /** Whether the window is connected, connecting or waiting to reconnect: the connection fields are locked. */
    public BooleanBinding activeProperty() {
        return active;
    }

    /** Whether the last attempt failed or the server refused the session. */
    public BooleanBinding failedProperty() {
        return failed;
    }

    public BooleanBinding canConnectProperty() {
        return canConnect;
    }
}
