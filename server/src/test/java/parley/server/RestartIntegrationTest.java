package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A server alone with a state file, stopped and started again over the wire: its users resume. */
@Timeout(60)
class RestartIntegrationTest {
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WireClient> clients = new ArrayList<>();
    @TempDir
    Path directory;

    @AfterEach
    void stopAll() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        for (WebSocketServer server : servers) {
            server.stop();
        }
    }

    @Test
    void usersResumeAfterARestartWithRoomsHistoryTopicAndWhispersAndNobodySeesThemLeave() throws Exception {
        StateFile stateFile = new StateFile(directory.resolve("state.json"));
        var first = chat();
        var stopping = new Stopping(first, false, ChatLimits.DEFAULT_GRACE_PERIOD, stateFile);
        stopping.serving(serve(first));
        var alice = track(WireClient.connectAs(port(0), "alice"));
        var bob = track(WireClient.connectAs(port(0), "bob"));
        request(alice, "{\"type\":\"join\",\"room\":\"lobby\"");
        request(bob, "{\"type\":\"join\",\"room\":\"lobby\"");
        request(alice, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Release on Friday\"");
        request(alice, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"one\"");
        request(alice, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"two\"");
        request(bob, "{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"psst\"");
        String seenByBob = bob.await(ServerEvent.Message.class, message -> message.text().equals("one")).id();
        String firstWhisper = alice.await(ServerEvent.WhisperMessage.class).id();

        stopping.stop();

        assertThat(alice.awaitClose().getCloseCode().getCode()).isEqualTo(1012);
        assertThat(bob.awaitClose().getCloseCode().getCode()).isEqualTo(1012);
        assertThat(Files.getPosixFilePermissions(stateFile.path()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        var second = chat();
        stateFile.restoreInto(second);
        assertThat(stateFile.path()).doesNotExist();
        serve(second);

        var aliceAgain = track(WireClient.resume(port(1), token(alice)));
        ServerEvent.Welcome welcome = aliceAgain.await(ServerEvent.Welcome.class);
        assertThat(welcome.resumed()).isTrue();
        assertThat(welcome.nick()).isEqualTo("alice");
        assertThat(welcome.rooms()).containsExactly("lobby");
        assertThat(aliceAgain.await(ServerEvent.WhisperMessage.class).text()).as("whispers are sent again").isEqualTo("psst");
        aliceAgain.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"2\"}");
        ServerEvent.Joined joined = aliceAgain.await(ServerEvent.Joined.class);
        assertThat(joined.members()).containsExactly("alice", "bob");
        assertThat(joined.history()).isEmpty();
        assertThat(joined.missed()).isZero();
        assertThat(joined.topic().text()).isEqualTo("Release on Friday");
        assertThat(joined.roles()).containsEntry("alice", "op");

        var bobAgain = track(WireClient.resume(port(1), token(bob)));
        assertThat(bobAgain.await(ServerEvent.Welcome.class).resumed()).isTrue();
        bobAgain.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"" + seenByBob + "\"}");
        assertThat(bobAgain.await(ServerEvent.Joined.class).history()).extracting(ServerEvent.Message::text)
                .containsExactly("two");
        request(aliceAgain, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"three\"");
        assertThat(bobAgain.await(ServerEvent.Message.class, message -> message.text().equals("three")).id())
                .as("ids go on").isEqualTo("3");
        request(bobAgain, "{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"again\"");
        String secondWhisper = aliceAgain.await(ServerEvent.WhisperMessage.class, w -> w.text().equals("again")).id();
        assertThat(secondWhisper).as("a whisper id is never given twice").isNotEqualTo(firstWhisper);
        aliceAgain.sync();
        assertThat(aliceAgain.received(ServerEvent.Presence.class)).as("nobody left or came").isEmpty();
        assertThat(bobAgain.received(ServerEvent.Presence.class)).isEmpty();
    }

    @Test
    void aClientThatDoesNotAnswerThe1012DoesNotHoldUpTheSaveAndResumesAfterTheRestart() throws Exception {
        StateFile stateFile = new StateFile(directory.resolve("state.json"));
        var first = chat();
        var stopping = new Stopping(first, false, ChatLimits.DEFAULT_GRACE_PERIOD, stateFile);
        stopping.serving(serve(first));
        var quiet = RawWebSocket.connect(port(0), null);
        String token = quiet.await(ServerEvent.Welcome.class).resume();
        quiet.sendText("{\"type\":\"nick\",\"nick\":\"quiet\",\"ref\":\"n\"}");
        quiet.await(ServerEvent.Ok.class);

        long started = System.nanoTime();
        stopping.stop();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMillis).as("no wait for a close answer that never comes").isLessThan(1_000);
        var second = chat();
        stateFile.restoreInto(second);
        serve(second);
        var again = track(WireClient.resume(port(1), token));
        assertThat(again.await(ServerEvent.Welcome.class)).extracting(ServerEvent.Welcome::resumed, ServerEvent.Welcome::nick)
                .containsExactly(true, "quiet");
        quiet.close();
    }

    @Test
    void aStateFileThatCannotBeReadIsSetAsideAndTheServerStartsEmpty() throws Exception {
        Path path = directory.resolve("state.json");
        Files.writeString(path, "{\"format\":1,\"users\":[{\"nick\":");
        var chat = chat();

        new StateFile(path).restoreInto(chat);

        assertThat(path).doesNotExist();
        assertThat(directory.resolve("state.json.bad")).hasContent("{\"format\":1,\"users\":[{\"nick\":");
        serve(chat);
        var carol = track(WireClient.connectAs(port(0), "carol"));
        assertThat(carol.received(ServerEvent.Welcome.class).get(0).resumed()).isFalse();
        assertThat(chat.health()).containsEntry("users", 1);
    }

    @Test
    void aStateOfAnotherFormatIsSetAsideToo() throws Exception {
        Path path = directory.resolve("state.json");
        Files.writeString(path, "{\"format\":99,\"savedAt\":0,\"lastWhisperId\":0,\"rooms\":[],\"users\":[]}");

        new StateFile(path).restoreInto(chat());

        assertThat(directory.resolve("state.json.bad")).exists();
    }

    @Test
    void aServerStoppedWithoutAStateFileClosesWith1001AndWritesNothing() throws Exception {
        var chat = chat();
        var stopping = new Stopping(chat, false, ChatLimits.DEFAULT_GRACE_PERIOD, null);
        stopping.serving(serve(chat));
        var dave = track(WireClient.connectAs(port(0), "dave"));

        stopping.stop();

        assertThat(dave.awaitClose().getCloseCode().getCode()).isEqualTo(1001);
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aServerProcessGivenPARLEY_STATE_FILESavesOnSigtermAndItsNextStartResumesItsUsers() throws Exception {
        Path path = directory.resolve("state.json");
        var first = new ServerProcess(path);
        var alice = track(WireClient.connectAs(first.port, "alice"));
        request(alice, "{\"type\":\"join\",\"room\":\"lobby\"");
        request(alice, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"before\"");

        // SIGTERM, as Process.destroy() sends it, without closing the pipe that carries the server's last lines.
        first.process.toHandle().destroy();

        first.awaitEnd();
        assertThat(alice.awaitClose().getCloseCode().getCode()).isEqualTo(1012);
        assertThat(first.output).anyMatch(line -> line.contains("Saved 1 users in 1 rooms to " + path));
        var second = new ServerProcess(path);
        try {
            assertThat(second.output).anyMatch(line -> line.contains("Restored 1 users in 1 rooms from " + path));
            assertThat(path).as("removed once restored").doesNotExist();
            var again = track(WireClient.resume(second.port, token(alice)));
            assertThat(again.await(ServerEvent.Welcome.class).resumed()).isTrue();
            again.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"0\"}");
            assertThat(again.await(ServerEvent.Joined.class).history()).extracting(ServerEvent.Message::text)
                    .containsExactly("before");
        } finally {
            second.process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aClusterNodeDoesNotUsePARLEY_STATE_FILE() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Process node = ServerProcess.builder(directory.resolve("state.json"), "--redis", "redis://127.0.0.1:" + closedPort,
                "--redis-timeout", "1").start();

        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(node.waitFor()).as(output).isEqualTo(1);
        assertThat(output).contains("PARLEY_STATE_FILE is not used").contains("cannot reach Redis")
                .doesNotContain("--state-file");
    }

    /** The server's own process (parley.server.Main) with PARLEY_STATE_FILE set, started and listening. */
    private static final class ServerProcess {
        private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final int port;
        private final Thread reader;

        ServerProcess(Path stateFile) throws Exception {
            process = builder(stateFile).start();
            CompletableFuture<Integer> listening = new CompletableFuture<>();
            reader = new Thread(() -> {
                try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        output.add(line);
                        Matcher matcher = LISTENING.matcher(line);
                        if (matcher.find()) {
                            listening.complete(Integer.parseInt(matcher.group(1)));
                        }
                    }
                } catch (IOException e) {
                    listening.completeExceptionally(e);
                }
                listening.completeExceptionally(new IOException("the server ended: " + output));
            });
            reader.setDaemon(true);
            reader.start();
            port = listening.get(30, TimeUnit.SECONDS);
        }

        /** Waits for the process to end and its output to be read. */
        void awaitEnd() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("ended").isTrue();
            reader.join(5_000);
        }

        static ProcessBuilder builder(Path stateFile, String... options) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), "parley.server.Main",
                    "--host", "127.0.0.1", "--port", "0"));
            command.addAll(List.of(options));
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PARLEY_STATE_FILE", stateFile.toString());
            return builder;
        }
    }

    private static ChatService chat() {
        return ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
    }

    private WebSocketServer serve(ChatService chat) throws Exception {
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults());
        servers.add(server);
        return server;
    }

    private int port(int server) {
        return servers.get(server).port();
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private static String token(WireClient client) {
        return client.received(ServerEvent.Welcome.class).get(0).resume();
    }

    private int refs;

    /** Sends a request (its JSON without the closing brace) and waits for its answer. */
    private void request(WireClient client, String opened) throws Exception {
        String ref = "r" + ++refs;
        client.send(opened + ",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }
}
