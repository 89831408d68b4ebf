package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import parley.protocol.ServerEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that runs out of file descriptors keeps serving the connections it has, warns a few times instead of
 * logging a stack trace per failed accept, and serves new clients again by itself once descriptors are free.
 * The server runs in a child process under a small {@code ulimit -n}, so the test's own process is not starved.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class DescriptorExhaustionIntegrationTest {
    private static final Pattern LISTENING = Pattern.compile("Parley listening on [^:]+:(\\d+)");
    private static final int OPEN_FILES = 300;

    private Process server;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFreshServerOutOfDescriptorsRecoversByItselfAndWarnsOnlyAFewTimes() throws Exception {
        // No client before: the first socket the server ever closes is closed while it has no descriptors left.
        int port = startServer();

        exhaustAndFree(port);

        var after = connectWithin(port, 10_000);
        after.sendText("{\"type\":\"rooms\",\"ref\":\"after\"}");
        assertThat(after.await(ServerEvent.Ok.class).ref()).isEqualTo("after");
        after.close();
        assertWarnedBriefly();
    }

    @Test
    void clientsAlreadyInAreServedWhileNoDescriptorIsLeft() throws Exception {
        int port = startServer();
        var before = RawWebSocket.connect(port, null);
        before.await(ServerEvent.Welcome.class);
        // The child runs from class directories, where loading a class opens a file: one request first loads the
        // classes that answer requests (from the server's jar they load without opening anything).
        before.sendText("{\"type\":\"rooms\",\"ref\":\"warm\"}");
        before.await(ServerEvent.Ok.class);

        exhaust(port);
        before.sendText("{\"type\":\"rooms\",\"ref\":\"during\"}");
        assertThat(before.await(ServerEvent.Ok.class).ref()).isEqualTo("during");
        free();

        connectWithin(port, 10_000).close();
        before.close();
        assertWarnedBriefly();
    }

    /** Far more sockets than the server has descriptors: the kernel completes them all, the server cannot accept most. */
    private void exhaust(int port) throws Exception {
        for (int i = 0; i < OPEN_FILES + 200; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            sockets.add(socket);
        }
        Thread.sleep(2_000);
    }

    private void free() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    private void exhaustAndFree(int port) throws Exception {
        exhaust(port);
        free();
    }

    private void assertWarnedBriefly() {
        List<String> lines = List.copyOf(output);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Cannot accept connections"));
        assertThat(lines.size()).as("lines logged: %s", lines).isLessThan(30);
        assertThat(lines).noneSatisfy(line -> assertThat(line).containsAnyOf("NoClassDefFoundError", "\tat "));
    }

    private int startServer() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n " + OPEN_FILES + " && exec '" + java + "' -Xmx64m -XX:+UseSerialGC -cp '"
                + System.getProperty("java.class.path") + "' parley.server.Main --host 127.0.0.1 --port 0"
                + " --handshake-timeout 60 --rate 0";
        server = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        port.complete(Integer.parseInt(listening.group(1)));
                    } else {
                        output.add(line);
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("the server ended: " + output));
        });
        reader.setDaemon(true);
        reader.start();
        return port.get(30, TimeUnit.SECONDS);
    }

    private static RawWebSocket connectWithin(int port, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try {
                var client = RawWebSocket.connect(port, null);
                client.await(ServerEvent.Welcome.class);
                return client;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
