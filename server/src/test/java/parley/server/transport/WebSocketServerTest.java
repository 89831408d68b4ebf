package parley.server.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ParleyServer;
import parley.server.chat.ChatLimits;
import picocli.CommandLine;

import java.io.DataInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class WebSocketServerTest {

    @Test
    void theHostOptionDecidesTheBindAddress() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        var server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
        try (var loopback = new Socket()) {
            loopback.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);

            assertThatThrownBy(() -> {
                try (var outside = new Socket()) {
                    outside.connect(new InetSocketAddress(external.get(), server.port()), 2_000);
                }
            }).isInstanceOf(java.io.IOException.class);
        } finally {
            server.stop();
        }
    }

    @Test
    void aStoppingServerTakesNoNewConnectionAndClosesOneOnItsWayInWith1001() throws Exception {
        var server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
        try (var onItsWay = new Socket()) {
            onItsWay.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
            onItsWay.setSoTimeout(5_000);
            var in = new DataInputStream(onItsWay.getInputStream());
            // A first plain request on the kept-alive connection: once it is answered, the server has taken the
            // connection in (one still in the listening socket's queue would be reset when the port closes).
            onItsWay.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String health = readHead(in);
            assertThat(health).startsWith("HTTP/1.1 200");
            in.readFully(new byte[contentLength(health)]);

            server.turnAway(WebSocketServer.GOING_AWAY);

            // The listening socket closes on Grizzly's selector thread, a moment later.
            assertThat(refusedWithin(server.port(), 2_000)).as("the port closes").isTrue();
            onItsWay.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = readHead(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(in.readUnsignedByte()).as("a close frame").isEqualTo(0x88);
            in.readUnsignedByte();
            assertThat(in.readUnsignedShort()).as("its code").isEqualTo(1001);
        } finally {
            server.stop();
        }
    }

    private static boolean refusedWithin(int port, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            try (var late = new Socket()) {
                late.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (java.io.IOException refused) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }

    private static String readHead(DataInputStream in) throws java.io.IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    @Test
    void aPortInUseIsABindException() throws Exception {
        var first = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
        try {
            assertThatThrownBy(() -> ParleyServer.start("127.0.0.1", first.port(), ChatLimits.defaults(),
                    TransportLimits.defaults())).isInstanceOf(BindException.class);
        } finally {
            first.stop();
        }
    }

    @Test
    void theCommandLineReportsAPortInUseInOneLineAndExitsWith1() throws Exception {
        var first = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
        var errors = new StringWriter();
        try {
            int exitCode = new CommandLine(new ParleyServer()).setErr(new PrintWriter(errors, true))
                    .execute("--host", "127.0.0.1", "--port", String.valueOf(first.port()));

            assertThat(exitCode).isEqualTo(1);
            assertThat(errors.toString()).startsWith("parley-server: cannot listen on 127.0.0.1:" + first.port())
                    .hasLineCount(1);
        } finally {
            first.stop();
        }
    }

    @Test
    void theCommandLineRefusesOutOfRangeOptions() {
        var errors = new StringWriter();

        int exitCode = new CommandLine(new ParleyServer()).setErr(new PrintWriter(errors, true))
                .execute("--port", "70000");

        assertThat(exitCode).isEqualTo(2);
        assertThat(errors.toString()).contains("--port must be 0-65535");
    }

    @Test
    void theCommandLineExplainsTlsPasswordAndRedisMistakesInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        assertThat(run("--tls-cert", "server.crt")).startsWith("2: parley-server: --tls-cert and --tls-key go together");
        assertThat(run("--tls-client-ca", "ca.crt")).startsWith("2: parley-server: --tls-client-ca needs TLS");
        java.nio.file.Path notAKey = java.nio.file.Files.writeString(folder.resolve("server.key"), "not a key");
        assertThat(run("--tls-cert", notAKey.toString(), "--tls-key", notAKey.toString()))
                .startsWith("2: parley-server: cannot read certificates from");
        assertThat(run("--password-file", folder.resolve("missing.txt").toString()))
                .startsWith("2: parley-server: cannot read the password file");
        assertThat(run("--state-file", folder.resolve("missing/state.json").toString()))
                .startsWith("2: parley-server: --state-file: no directory " + folder.resolve("missing"));
        assertThat(run("--state-file", folder.toString())).startsWith("2: parley-server: --state-file: " + folder + " is a directory");
        assertThat(run("--state-file", folder.resolve("state.json").toString(), "--redis", "redis://127.0.0.1:1"))
                .startsWith("2: parley-server: --state-file is for a server alone: a cluster keeps its sessions in Redis");
        int freePort;
        try (var socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        assertThat(run("--port", "0", "--redis", "redis://127.0.0.1:" + freePort, "--redis-timeout", "1"))
                .startsWith("1: parley-server: cannot reach Redis at redis://127.0.0.1:" + freePort);
    }

    /** Runs the command line and returns "EXIT: first line of stderr". */
    private static String run(String... args) {
        var errors = new StringWriter();
        int exitCode = new CommandLine(new ParleyServer()).setErr(new PrintWriter(errors, true)).execute(args);
        return exitCode + ": " + errors.toString().lines().findFirst().orElse("");
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }
}
