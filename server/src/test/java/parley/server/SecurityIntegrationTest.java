package parley.server;

import jakarta.websocket.DeploymentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.access.LoginThrottle;
import parley.server.access.OriginPolicy;
import parley.server.access.Password;
import parley.server.access.TrustedProxies;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.transport.TlsSettings;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS, client certificates, origins and the password, against the real server with real clients. */
@Timeout(60)
class SecurityIntegrationTest {
    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued serverCertificate;

    @TempDir
    Path folder;
    private final List<WebSocketServer> servers = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        ca = TestCertificates.ca("Parley Test CA");
        serverCertificate = TestCertificates.server(ca);
    }

    @AfterEach
    void stopServers() {
        servers.forEach(WebSocketServer::stop);
    }

    private WebSocketServer start(Access access, TlsSettings tls) throws IOException {
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults(), access, tls);
        servers.add(server);
        return server;
    }

    private TlsSettings pemTls(Path clientCa, TlsSettings.ClientAuth clientAuth) throws Exception {
        Path[] files = TestCertificates.writePem(folder, "server", serverCertificate);
        return TlsSettings.fromPem(files[0], files[1], null, clientCa, clientAuth);
    }

    private static URI wss(WebSocketServer server) {
        return URI.create("wss://localhost:" + server.port() + "/chat");
    }

    @Test
    void aClientTrustingTheCaChatsOverWss() throws Exception {
        WebSocketServer server = start(Access.open(), pemTls(null, TlsSettings.ClientAuth.NONE));
        assertThat(server.isSecure()).isTrue();

        try (var client = JdkWire.open(wss(server), TestCertificates.trusting(ca, null))) {
            assertThat(client.next()).contains("\"type\":\"welcome\"");
            client.send("{\"type\":\"join\",\"room\":\"lobby\"}");
            client.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"over tls\",\"ref\":\"s\"}");
            assertThat(client.nextWith("\"type\":\"message\"")).contains("over tls");
        }
    }

    @Test
    void aPkcs12KeystoreServesTlsToo() throws Exception {
        Path keystore = TestCertificates.writePkcs12(folder.resolve("server.p12"), serverCertificate, "secret".toCharArray());
        WebSocketServer server = start(Access.open(),
                TlsSettings.fromPkcs12(keystore, "secret".toCharArray(), null, TlsSettings.ClientAuth.NONE));

        try (var client = JdkWire.open(wss(server), TestCertificates.trusting(ca, null))) {
            assertThat(client.next()).contains("\"type\":\"welcome\"");
        }
        assertThatThrownBy(() -> TlsSettings.fromPkcs12(keystore, "wrong".toCharArray(), null, TlsSettings.ClientAuth.NONE))
                .isInstanceOf(TlsSettings.SetupException.class).hasMessageContaining("wrong password");
    }

    @Test
    void plainWebSocketAgainstATlsPortFails() throws Exception {
        WebSocketServer server = start(Access.open(), pemTls(null, TlsSettings.ClientAuth.NONE));

        assertThatThrownBy(() -> JdkWire.open(URI.create("ws://localhost:" + server.port() + "/chat"), null))
                .hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void tls11IsRefusedAndTls12And13AreSpoken() throws Exception {
        WebSocketServer server = start(Access.open(), pemTls(null, TlsSettings.ClientAuth.NONE));

        // A hand-made ClientHello, because this JVM's own client may not offer TLS 1.1 at all: the same hello
        // is answered with a ServerHello (record type 22) for TLS 1.2 and refused for TLS 1.1.
        assertThat(firstRecordTypeAnswering(server.port(), 0x0302)).isNotEqualTo(22);
        assertThat(firstRecordTypeAnswering(server.port(), 0x0303)).isEqualTo(22);
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (var client = JdkWire.open(wss(server), TestCertificates.trusting(ca, null), protocol)) {
                assertThat(client.next()).contains("\"type\":\"welcome\"");
            }
        }
    }

    /** Sends a ClientHello of this TLS version and returns the type of the server's first record (-1 for none). */
    private static int firstRecordTypeAnswering(int port, int version) throws IOException {
        var body = new java.io.ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        body.write(new byte[32], 0, 32);
        body.write(0);
        int[] suites = {0xC02B, 0xC009, 0xC013, 0x002F};
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite);
        }
        body.write(1);
        body.write(0);
        byte[] extensions = {
                0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
                0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01};
        body.write(0);
        body.write(extensions.length);
        body.write(extensions, 0, extensions.length);
        byte[] hello = body.toByteArray();
        var record = new java.io.ByteArrayOutputStream();
        record.writeBytes(new byte[]{0x16, 0x03, 0x01, (byte) ((hello.length + 4) >> 8), (byte) (hello.length + 4),
                0x01, 0x00, (byte) (hello.length >> 8), (byte) hello.length});
        record.writeBytes(hello);
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(record.toByteArray());
            return socket.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    @Test
    void neededClientCertificatesKeepOutClientsWithoutOne() throws Exception {
        Path[] caFiles = TestCertificates.writePem(folder, "ca", ca);
        WebSocketServer server = start(Access.open(), pemTls(caFiles[0], TlsSettings.ClientAuth.NEED));

        assertThatThrownBy(() -> JdkWire.open(wss(server), TestCertificates.trusting(ca, null)))
                .hasRootCauseInstanceOf(IOException.class);
        TestCertificates.Issued stranger = TestCertificates.client(TestCertificates.ca("Other CA"), "mallory");
        assertThatThrownBy(() -> JdkWire.open(wss(server), TestCertificates.trusting(ca, stranger)))
                .hasRootCauseInstanceOf(IOException.class);

        var alice = TestCertificates.client(ca, "alice");
        try (var client = JdkWire.open(wss(server), TestCertificates.trusting(ca, alice))) {
            assertThat(client.next()).contains("\"type\":\"welcome\"");
        }
    }

    @Test
    void wantedClientCertificatesLetClientsWithoutOneIn() throws Exception {
        Path[] caFiles = TestCertificates.writePem(folder, "ca", ca);
        WebSocketServer server = start(Access.open(), pemTls(caFiles[0], TlsSettings.ClientAuth.WANT));

        try (var client = JdkWire.open(wss(server), TestCertificates.trusting(ca, null))) {
            assertThat(client.next()).contains("\"type\":\"welcome\"");
        }
    }

    @Test
    void browsersFromOriginsNotOnTheListAreRefusedAndDesktopClientsAreLetIn() throws Exception {
        WebSocketServer server = start(Access.open().withOrigins(
                new OriginPolicy(Set.of("https://chat.example.org"), false)), null);

        assertThatThrownBy(() -> WireClient.connectFromOrigin(server.port(), "https://evil.example.com"))
                .isInstanceOf(DeploymentException.class).hasStackTraceContaining("Response code was not 101: 403");
        try (var browser = WireClient.connectFromOrigin(server.port(), "https://CHAT.example.org")) {
            browser.await(ServerEvent.Welcome.class);
        }
        try (var desktop = WireClient.connect(server.port())) {
            desktop.await(ServerEvent.Welcome.class);
        }
    }

    @Test
    void byDefaultEveryBrowserIsRefusedAndRequireOriginShutsOutClientsWithoutOne() throws Exception {
        WebSocketServer open = start(Access.open(), null);
        assertThatThrownBy(() -> WireClient.connectFromOrigin(open.port(), "http://localhost:" + open.port()))
                .isInstanceOf(DeploymentException.class).hasStackTraceContaining("Response code was not 101: 403");

        WebSocketServer strict = start(Access.open().withOrigins(
                new OriginPolicy(Set.of("https://chat.example.org"), true)), null);
        assertThatThrownBy(() -> WireClient.connect(strict.port()))
                .isInstanceOf(DeploymentException.class).hasStackTraceContaining("Response code was not 101: 403");
    }

    @Test
    void theRightPasswordLetsAClientInAndNothingElseDoesBefore() throws Exception {
        WebSocketServer server = start(Access.open().withPassword(Password.of("open sesame")), null);

        try (var client = WireClient.connect(server.port())) {
            client.await(ServerEvent.AuthRequired.class);
            client.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"early\"}");
            var refused = client.await(ServerEvent.Error.class, error -> "early".equals(error.ref()));
            assertThat(refused.code()).isEqualTo(401);
            assertThat(refused.reason()).isEqualTo("AUTH_REQUIRED");
            assertThat(client.received(ServerEvent.Welcome.class)).isEmpty();

            client.send("{\"type\":\"auth\",\"password\":\"open sesame\",\"ref\":\"a\"}");
            client.await(ServerEvent.Welcome.class);
            client.await(ServerEvent.Ok.class, ok -> "a".equals(ok.ref()));
            assertThat(client.received().get(0)).isEqualTo(new ServerEvent.AuthRequired());
        }
    }

    @Test
    void aWrongPasswordIsADoNotReconnectCloseAndAResumeTokenDoesNotSkipTheQuestion() throws Exception {
        WebSocketServer server = start(Access.open().withPassword(Password.of("open sesame")), null);
        String token;
        try (var client = JdkWire.open(ws(server, ""), null)) {
            assertThat(client.next()).isEqualTo("{\"type\":\"auth_required\"}");
            client.send("{\"type\":\"auth\",\"password\":\"open sesame\"}");
            String welcome = client.nextWith("\"type\":\"welcome\"");
            token = welcome.replaceAll(".*\"resume\":\"([^\"]+)\".*", "$1");
        }

        try (var resumer = JdkWire.open(ws(server, "?resume=" + token), null)) {
            assertThat(resumer.next()).isEqualTo("{\"type\":\"auth_required\"}");
            resumer.send("{\"type\":\"auth\",\"password\":\"guess\"}");
            assertThat(resumer.awaitCloseCode()).isEqualTo(4501);
            assertThat(resumer.closeReason()).isEqualTo("wrong password");
        }
    }

    @Test
    void anAddressWithTooManyWrongPasswordsMustWait() throws Exception {
        var throttle = new LoginThrottle(3, Duration.ofMinutes(1), 1000, System::nanoTime);
        WebSocketServer server = start(new Access(Password.of("right"), throttle, Duration.ofSeconds(30),
                OriginPolicy.defaults(), TrustedProxies.none()), null);
        for (int i = 0; i < 3; i++) {
            try (var client = JdkWire.open(ws(server, ""), null)) {
                client.next();
                client.send("{\"type\":\"auth\",\"password\":\"wrong\"}");
                assertThat(client.awaitCloseCode()).isEqualTo(4501);
            }
        }

        try (var client = JdkWire.open(ws(server, ""), null)) {
            client.next();
            client.send("{\"type\":\"auth\",\"password\":\"right\"}");
            assertThat(client.awaitCloseCode()).isEqualTo(4502);
            assertThat(client.closeReason()).startsWith("too many wrong passwords from your address; try again in");
        }
    }

    private static URI ws(WebSocketServer server, String query) {
        return URI.create("ws://localhost:" + server.port() + "/chat" + query);
    }

    @Test
    void aClientThatNeverGivesThePasswordIsClosedAfterTheTimeout() throws Exception {
        WebSocketServer server = start(new Access(Password.of("right"), Access.defaultThrottle(), Duration.ofMillis(300),
                OriginPolicy.defaults(), TrustedProxies.none()), null);

        try (var client = WireClient.connect(server.port())) {
            client.await(ServerEvent.AuthRequired.class);
            assertThat(client.awaitClose().getCloseCode().getCode()).isEqualTo(4003);
        }
    }
}
