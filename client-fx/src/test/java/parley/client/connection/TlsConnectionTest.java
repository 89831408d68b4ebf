package parley.client.connection;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.ParleyServer;
import parley.server.TestCertificates;
import parley.server.access.Access;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.transport.TlsSettings;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import javax.net.ssl.KeyManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client's side of TLS against a real server: which certificates it trusts, and what it reports when it does not. */
@Timeout(60)
class TlsConnectionTest {
    private static TestCertificates.Issued ca;

    @TempDir
    Path folder;
    private final MemoryPins pins = new MemoryPins();
    private WebSocketServer server;
    private TyrusChatConnection connection;
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    private final List<String> details = new CopyOnWriteArrayList<>();
    private final List<CertificateProblem> problems = new CopyOnWriteArrayList<>();
    private final List<ServerEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCertificates.ca("Parley Client Test CA");
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private void startServer(TestCertificates.Issued certificate, Path clientCa) throws Exception {
        Path[] files = TestCertificates.writePem(folder, "server-" + System.nanoTime(), certificate);
        var tls = TlsSettings.fromPem(files[0], files[1], null, clientCa, TlsSettings.ClientAuth.NEED);
        int port = server == null ? 0 : server.port();
        if (server != null) {
            server.stop();
        }
        server = ParleyServer.start("127.0.0.1", port, ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC()),
                TransportLimits.defaults(), Access.open(), tls);
    }

    private void connect(ServerTrust trust, boolean secure) {
        states.clear();
        problems.clear();
        connection = new TyrusChatConnection(trust);
        connection.setListener(new ChatConnection.Listener() {
            @Override
            public void onEvent(ServerEvent event) {
                events.add(event);
            }

            @Override
            public void onStateChanged(ConnectionState state, String detail) {
                states.add(state);
                details.add(String.valueOf(detail));
            }

            @Override
            public void onCertificateProblem(CertificateProblem problem) {
                problems.add(problem);
            }
        });
        connection.connect("localhost", server.port(), secure, null);
    }

    private ServerTrust trustingOnlyPins() {
        return new ServerTrust(pins, List.of(), null);
    }

    private ServerTrust trustingTheCa(KeyManager[] clientKeys) {
        return new ServerTrust(pins, List.of(ca.certificate()), clientKeys);
    }

    private void awaitConnected() {
        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.CONNECTED)
                && events.stream().anyMatch(ServerEvent.Welcome.class::isInstance));
    }

    private CertificateProblem awaitProblem() {
        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.FAILED));
        assertThat(states).doesNotContain(ConnectionState.CONNECTED);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void aCertificateFromAnUnknownAuthorityIsShownByFingerprintAndTrustedOnlyOnceTheUserPinsIt() throws Exception {
        var certificate = TestCertificates.server(ca);
        startServer(certificate, null);

        connect(trustingOnlyPins(), true);
        CertificateProblem problem = awaitProblem();
        assertThat(problem.fingerprint()).isEqualTo(ServerTrust.fingerprint(certificate.certificate()));
        assertThat(problem.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(problem.reason()).contains("authority this computer does not trust");
        assertThat(problem.changed()).isFalse();

        pins.pin("localhost:" + server.port(), problem.fingerprint());
        connect(trustingOnlyPins(), true);
        awaitConnected();
    }

    @Test
    void aCaInTheTrustFileIsTrustedWithoutAsking() throws Exception {
        startServer(TestCertificates.server(ca), null);

        connect(trustingTheCa(null), true);

        awaitConnected();
        assertThat(problems).isEmpty();
    }

    @Test
    void anExpiredCertificateIsRefusedUnlessTrusted() throws Exception {
        var expired = TestCertificates.issue(ca, "localhost", List.of("localhost"), List.of("127.0.0.1"),
                Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)), KeyPurposeId.id_kp_serverAuth);
        startServer(expired, null);

        connect(trustingTheCa(null), true);
        CertificateProblem problem = awaitProblem();
        assertThat(problem.reason()).contains("expired");

        pins.pin("localhost:" + server.port(), problem.fingerprint());
        connect(trustingTheCa(null), true);
        awaitConnected();
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessTrusted() throws Exception {
        var elsewhere = TestCertificates.issue(ca, "chat.example.org", List.of("chat.example.org"), List.of(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)), KeyPurposeId.id_kp_serverAuth);
        startServer(elsewhere, null);

        connect(trustingTheCa(null), true);
        CertificateProblem problem = awaitProblem();
        assertThat(problem.reason()).contains("another host");

        pins.pin("localhost:" + server.port(), problem.fingerprint());
        connect(trustingTheCa(null), true);
        awaitConnected();
    }

    @Test
    void aChangedCertificateIsFlaggedWithBothFingerprints() throws Exception {
        var first = TestCertificates.server(TestCertificates.ca("Self-made CA"));
        startServer(first, null);
        String trusted = ServerTrust.fingerprint(first.certificate());
        pins.pin("localhost:" + server.port(), trusted);
        connect(trustingOnlyPins(), true);
        awaitConnected();
        connection.close();

        var second = TestCertificates.server(TestCertificates.ca("Someone else's CA"));
        startServer(second, null);
        connect(trustingOnlyPins(), true);

        CertificateProblem problem = awaitProblem();
        assertThat(problem.changed()).isTrue();
        assertThat(problem.trustedFingerprint()).isEqualTo(trusted);
        assertThat(problem.fingerprint()).isEqualTo(ServerTrust.fingerprint(second.certificate()));
    }

    @Test
    void aServerThatNeedsAClientCertificateLetsInTheClientThatHasOne() throws Exception {
        Path[] caFiles = TestCertificates.writePem(folder, "ca", ca);
        startServer(TestCertificates.server(ca), caFiles[0]);

        connect(trustingTheCa(null), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.FAILED));
        assertThat(problems).isEmpty();

        Path p12 = TestCertificates.writePkcs12(folder.resolve("alice.p12"), TestCertificates.client(ca, "alice"),
                "pw".toCharArray());
        connect(trustingTheCa(ServerTrust.readClientCertificate(p12, "pw".toCharArray())), true);
        awaitConnected();
    }

    @Test
    void tlsToAPlainPortFailsAndSaysTheServerDoesNotSpeakIt() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC()),
                TransportLimits.defaults());

        connect(trustingTheCa(null), true);

        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.FAILED));
        assertThat(details.get(details.size() - 1)).contains("may not speak TLS on this port");
        assertThat(problems).isEmpty();
    }

    @Test
    void plainWebSocketToATlsPortFailsAndSaysTlsMayBeNeeded() throws Exception {
        startServer(TestCertificates.server(ca), null);

        connect(trustingTheCa(null), false);

        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.FAILED));
        assertThat(details.get(details.size() - 1)).contains("TLS");
    }
}
