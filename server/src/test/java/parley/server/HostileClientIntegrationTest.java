package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an attacker with one machine tries against the transport: ping floods, handshakes that never finish,
 * more sockets than allowed, unmasked frames. Each test failed before the server learned to defend itself.
 */
@Timeout(60)
class HostileClientIntegrationTest {
    private WebSocketServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stopServer() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    // --- ping floods

    @Test
    void aPingFloodBeyondTheControlRateClosesWith1008() throws Exception {
        start(TransportLimits.defaults().withControlFrames(5));
        var flooder = raw(4096);
        var bystander = raw(0);

        flooder.sendRaw(RawWebSocket.pings(10));
        // One more than the burst of twice the rate.
        floodQuietly(flooder, 1);

        assertThat(flooder.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1008);
        bystander.sendText("{\"type\":\"rooms\",\"ref\":\"still\"}");
        assertThat(bystander.await(ServerEvent.Ok.class).ref()).isEqualTo("still");
    }

    @Test
    void pingsWithinTheRateAreAnsweredWithPongs() throws Exception {
        start(TransportLimits.defaults().withControlFrames(5));
        var client = raw(0);

        client.sendRaw(RawWebSocket.pings(10));

        int pongs = 0;
        while (pongs < 10) {
            var frame = client.readFrame();
            assertThat(frame.opcode()).isIn(RawWebSocket.TEXT, 0xA);
            pongs += frame.opcode() == 0xA ? 1 : 0;
        }
    }

    @Test
    void aClientThatPingsAndDoesNotReadIsASlowConsumerWithBoundedMemory() throws Exception {
        // The control rate is off: what stops this flood is the outbound limit counting the queued pongs.
        start(TransportLimits.defaults().withControlFrames(0).withOutboundBytes(64 * 1024));
        var flooder = raw(4096);
        long heapBefore = heapAfterGc();

        floodQuietly(flooder, 40 * 1024 * 1024 / 131);

        assertThat(flooder.awaitCloseCode(Duration.ofSeconds(10))).isIn(4000, -1);
        long grown = heapAfterGc() - heapBefore;
        assertThat(grown).as("heap grown by the flood, bytes").isLessThan(16L * 1024 * 1024);
        var bystander = raw(0);
        bystander.sendText("{\"type\":\"rooms\",\"ref\":\"still\"}");
        assertThat(bystander.await(ServerEvent.Ok.class).ref()).isEqualTo("still");
    }

    // --- handshakes that never finish

    @Test
    void aSocketThatNeverSendsItsHandshakeIsClosedAfterTheTimeout() throws Exception {
        start(TransportLimits.defaults().withHandshakeTimeout(Duration.ofMillis(500)));
        try (Socket idle = plainSocket()) {
            long started = System.nanoTime();

            assertThat(endsWithin(idle, Duration.ofSeconds(5))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
        }
    }

    @Test
    void aSlowlorisSendingOneByteAtATimeIsClosedAfterTheTimeout() throws Exception {
        start(TransportLimits.defaults().withHandshakeTimeout(Duration.ofMillis(500)));
        try (Socket slow = plainSocket()) {
            byte[] request = "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < request.length && !cut; i++) {
                try {
                    slow.getOutputStream().write(request[i]);
                    Thread.sleep(100);
                } catch (SocketException e) {
                    cut = true;
                }
            }

            assertThat(cut || endsWithin(slow, Duration.ofSeconds(3))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void socketsCountAgainstThePerAddressLimitFromTheMomentTheyAreAccepted() throws Exception {
        start(TransportLimits.defaults().withConnections(0, 2).withHandshakeTimeout(Duration.ofSeconds(1)));
        Socket first = plainSocket();
        Socket second = plainSocket();
        clients.add(first);
        clients.add(second);
        settle();

        assertThatThrownBy(() -> RawWebSocket.connect(server.port(), null))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getMessage()).satisfiesAnyOf(
                        message -> assertThat(message).contains("503"),
                        message -> assertThat(message).contains("closed")));

        // Once the idle ones are cut by the handshake timeout, a real client gets in.
        assertThat(endsWithin(first, Duration.ofSeconds(5))).isTrue();
        assertThat(endsWithin(second, Duration.ofSeconds(5))).isTrue();
        raw(0).await(ServerEvent.Welcome.class);
    }

    @Test
    void aSocketOverTheServerLimitIsAnswered503AtOnce() throws Exception {
        start(TransportLimits.defaults().withConnections(2, 0));
        raw(0).await(ServerEvent.Welcome.class);
        clients.add(plainSocket());
        settle();

        try (Socket third = plainSocket()) {
            third.getOutputStream().write("GET /chat HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(third.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertThat(answer).isEqualTo("HTTP/1.1 503");
            assertThat(endsWithin(third, Duration.ofSeconds(3))).isTrue();
        }
    }

    // --- frames

    @Test
    void anUnmaskedFrameClosesWith1002() throws Exception {
        start(TransportLimits.defaults());
        var client = raw(0);

        client.sendUnmasked(RawWebSocket.TEXT, "{\"type\":\"rooms\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(client.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1002);
    }

    @Test
    void theCloseFrameReachesAClientThatKeepsWriting() throws Exception {
        start(TransportLimits.defaults());
        var client = raw(0);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                client.sendHeaderOnly(RawWebSocket.TEXT, 200L * 1024 * 1024);
                byte[] junk = new byte[16 * 1024];
                while (writing.get()) {
                    client.sendRaw(junk);
                }
            } catch (IOException e) {
                // The server cut the connection in the end: expected.
            }
        });
        writer.start();
        try {
            assertThat(client.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1009);
        } finally {
            writing.set(false);
            writer.join(5_000);
        }
    }

    // --- helpers

    private void start(TransportLimits limits) throws IOException {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), limits);
    }

    private RawWebSocket raw(int receiveBuffer) throws IOException {
        var client = RawWebSocket.connect(server.port(), null, receiveBuffer);
        clients.add(client);
        return client;
    }

    private Socket plainSocket() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
        return socket;
    }

    /**
     * Gives the server a moment to count sockets just opened: each is counted on the selector thread that will
     * serve it, so two sockets opened back to back may be counted in either order.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(200);
    }

    /** Sends up to {@code count} pings without reading anything. */
    private static void floodQuietly(RawWebSocket client, int count) {
        int batch = 1_000;
        int sent = 0;
        try {
            while (sent < count) {
                int now = Math.min(batch, count - sent);
                client.sendRaw(RawWebSocket.pings(now));
                sent += now;
            }
        } catch (IOException e) {
            // Cut off: the point of the flood test.
        }
    }

    /** True when the server ends the connection (end of stream or reset) within the timeout. */
    private static boolean endsWithin(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // Whatever the server answered before closing.
            }
            return true;
        } catch (SocketException e) {
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
