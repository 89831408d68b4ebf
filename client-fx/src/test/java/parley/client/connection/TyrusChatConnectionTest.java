package parley.client.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.ParleyServer;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The connection against servers that misbehave at the socket level. */
@Timeout(30)
class TyrusChatConnectionTest {

    @Test
    void aServerThatStopsAnsweringIsNoticedWithinIntervalPlusTimeout() throws Exception {
        try (var server = new ServerSocket(0)) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> acceptAndGoSilent(server));
            var connection = new TyrusChatConnection(new ServerTrust(new MemoryPins(), List.of(), null),
                    Duration.ofMillis(300), Duration.ofMillis(300));
            List<String> states = recordStates(connection);
            long start = System.nanoTime();

            connection.connect("127.0.0.1", server.getLocalPort(), null);

            await().atMost(Duration.ofSeconds(5)).until(() -> states.stream().anyMatch(s -> s.startsWith("FAILED")));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(states).containsSubsequence("CONNECTING", "CONNECTED");
            assertThat(states.get(states.size() - 1)).contains("the server stopped answering");
            assertThat(tookMillis).isBetween(500L, 3_000L);
            accepted.get().close();
        }
    }

    @Test
    void aFullServerIsReportedAsFullNotAsSomethingElse() throws Exception {
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(),
                TransportLimits.defaults().withConnections(1, 0));
        try (Socket holder = new Socket("127.0.0.1", server.port())) {
            Thread.sleep(200);
            var connection = new TyrusChatConnection(new ServerTrust(new MemoryPins(), List.of(), null),
                    Duration.ofSeconds(15), Duration.ofSeconds(15));
            List<String> states = recordStates(connection);

            connection.connect("127.0.0.1", server.port(), null);

            await().atMost(Duration.ofSeconds(5)).until(() -> states.stream().anyMatch(s -> s.startsWith("FAILED")));
            assertThat(states.get(states.size() - 1)).contains("the server is full");
        } finally {
            server.stop();
        }
    }

    @Test
    void theHandshakeCarriesNoOriginHeader() throws Exception {
        try (var server = new ServerSocket(0)) {
            List<String> headers = new CopyOnWriteArrayList<>();
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> acceptAndGoSilent(server, headers));
            var connection = new TyrusChatConnection(new ServerTrust(new MemoryPins(), List.of(), null));
            List<String> states = recordStates(connection);

            connection.connect("127.0.0.1", server.getLocalPort(), null);

            await().atMost(Duration.ofSeconds(5)).until(() -> states.stream().anyMatch(s -> s.startsWith("CONNECTED")));
            assertThat(headers).anyMatch(line -> line.toLowerCase().startsWith("upgrade: websocket"));
            assertThat(headers).noneMatch(line -> line.toLowerCase().startsWith("origin"));
            connection.close().get();
            accepted.get().close();
        }
    }

    /** The states the connection reports, as "STATE" or "STATE: detail". */
    private static List<String> recordStates(TyrusChatConnection connection) {
        List<String> states = new CopyOnWriteArrayList<>();
        connection.setListener(new ChatConnection.Listener() {
            @Override
            public void onEvent(ServerEvent event) {
            }

            @Override
            public void onStateChanged(ConnectionState state, String detail) {
                states.add(state + (detail == null ? "" : ": " + detail));
            }
        });
        return states;
    }

    private static Socket acceptAndGoSilent(ServerSocket server) {
        return acceptAndGoSilent(server, new CopyOnWriteArrayList<>());
    }

    /** Completes the WebSocket handshake, then never sends or answers anything; the request's lines go to {@code headers}. */
    private static Socket acceptAndGoSilent(ServerSocket server, List<String> headers) {
        try {
            Socket socket = server.accept();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String key = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                headers.add(line);
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return socket;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
