package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every limit at its edge, against the real server: the limit passes, one more fails as documented. */
@Timeout(60)
class LimitsIntegrationTest {
    private static final int FRAME_LIMIT = TransportLimits.DEFAULT_MAX_FRAME_BYTES;

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

    // --- message size

    @Test
    void aMessageOfExactlyTheLimitIsReadAndOneByteMoreCloses1009() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults());
        var fits = raw();
        var tooBig = raw();

        fits.sendText(padded("{\"type\":\"rooms\",\"ref\":\"fits\",\"pad\":\"", FRAME_LIMIT));
        tooBig.sendText(padded("{\"type\":\"rooms\",\"ref\":\"big\",\"pad\":\"", FRAME_LIMIT + 1));

        assertThat(fits.await(ServerEvent.Ok.class).ref()).isEqualTo("fits");
        assertThat(tooBig.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1009);
    }

    @Test
    void aFrameAnnouncingTwoHundredMegabytesIsRefusedFromItsHeader() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults());
        var attacker = raw();

        attacker.sendHeaderOnly(RawWebSocket.TEXT, 200L * 1024 * 1024);

        assertThat(attacker.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1009);
        var bystander = raw();
        bystander.sendText("{\"type\":\"rooms\",\"ref\":\"still\"}");
        assertThat(bystander.await(ServerEvent.Ok.class).ref()).isEqualTo("still");
    }

    @Test
    void fragmentsCountTogetherAgainstTheLimit() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults());
        var within = raw();
        var beyond = raw();
        byte[] part = "x".repeat(6000).getBytes(StandardCharsets.UTF_8);

        within.sendFrame(RawWebSocket.TEXT, false, "{\"type\":\"rooms\",\"ref\":\"parts\",\"pad\":\"".getBytes(StandardCharsets.UTF_8));
        within.sendFrame(RawWebSocket.CONTINUATION, false, part);
        within.sendFrame(RawWebSocket.CONTINUATION, true, "\"}".getBytes(StandardCharsets.UTF_8));
        beyond.sendFrame(RawWebSocket.TEXT, false, part);
        beyond.sendFrame(RawWebSocket.CONTINUATION, false, part);
        beyond.sendFrame(RawWebSocket.CONTINUATION, true, part);

        assertThat(within.await(ServerEvent.Ok.class).ref()).isEqualTo("parts");
        assertThat(beyond.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1009);
    }

    @Test
    void aBinaryFrameCloses1003() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults());
        var client = raw();

        client.sendFrame(RawWebSocket.BINARY, true, new byte[]{1, 2, 3});

        assertThat(client.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(1003);
    }

    // --- request rate

    @Test
    void theBurstPassesAndTheNextRequestIs429WithRetryAfter() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withRate(1, 5, 0));
        var client = raw();

        for (int i = 1; i <= 6; i++) {
            client.sendText("{\"type\":\"rooms\",\"ref\":\"" + i + "\"}");
        }

        assertThat(client.await(ServerEvent.Ok.class, ok -> ok.ref().equals("5")).ref()).isEqualTo("5");
        var limited = client.await(ServerEvent.Error.class);
        assertThat(limited.code()).isEqualTo(429);
        assertThat(limited.reason()).isEqualTo("RATE_LIMITED");
        assertThat(limited.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(limited.ref()).as("the refusal names the request").isEqualTo("6");
        Thread.sleep(limited.retryAfterMs());
        client.sendText("{\"type\":\"rooms\",\"ref\":\"later\"}");
        assertThat(client.await(ServerEvent.Ok.class).ref()).isEqualTo("later");
    }

    @Test
    void aClientThatPipelines70RequestsCanTellWhichWereRefused() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withRate(1, 40, 0));
        var client = raw();

        for (int i = 1; i <= 70; i++) {
            client.sendText("{\"type\":\"rooms\",\"ref\":\"" + i + "\"}");
        }

        java.util.Set<String> answered = new java.util.HashSet<>();
        int refused = 0;
        while (answered.size() < 70) {
            ServerEvent answer = client.await(ServerEvent.class, event -> event instanceof ServerEvent.Ok
                    || event instanceof ServerEvent.Error);
            String ref = answer instanceof ServerEvent.Ok ok ? ok.ref() : ((ServerEvent.Error) answer).ref();
            if (answer instanceof ServerEvent.Error error) {
                assertThat(error.reason()).isEqualTo("RATE_LIMITED");
                refused++;
            }
            assertThat(answered.add(ref)).as("each request is answered once, under its own ref: " + ref).isTrue();
        }
        assertThat(refused).as("40 in the burst, and perhaps one more token meanwhile").isBetween(29, 30);
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWithDoNotReconnect() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withRate(1, 2, 5));
        var flooder = raw();

        for (int i = 0; i < 7; i++) {
            flooder.sendText("{\"type\":\"rooms\"}");
        }

        assertThat(flooder.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(4500);
    }

    @Test
    void refusedRequestsInARowCloseAtTheCountAndAnAcceptedOneResetsIt() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withRate(0, 1, 3));
        var careless = raw();
        var broken = raw();

        careless.sendText("nonsense");
        careless.sendText("nonsense");
        careless.sendText("{\"type\":\"rooms\",\"ref\":\"fine\"}");
        careless.sendText("nonsense");
        careless.sendText("nonsense");
        careless.sendText("{\"type\":\"rooms\",\"ref\":\"still fine\"}");
        for (int i = 0; i < 3; i++) {
            broken.sendText("nonsense");
        }

        assertThat(careless.await(ServerEvent.Ok.class, ok -> ok.ref().equals("still fine"))).isNotNull();
        assertThat(broken.awaitCloseCode(Duration.ofSeconds(5))).isEqualTo(4500);
    }

    // --- rooms and connections

    @Test
    void aUserMayBeInTheRoomLimitAndOneMoreIs429() throws Exception {
        start(ChatLimits.defaults().withMaxRoomsPerUser(3), TransportLimits.defaults());
        var client = raw();

        for (String room : List.of("a", "b", "c", "d")) {
            client.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"" + room + "\"}");
        }
        client.sendText("{\"type\":\"join\",\"room\":\"a\",\"ref\":\"again\"}");

        var refused = client.await(ServerEvent.Error.class);
        assertThat(refused.ref()).isEqualTo("d");
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.reason()).isEqualTo("TOO_MANY_ROOMS");
        assertThat(client.await(ServerEvent.Ok.class, ok -> ok.ref().equals("again"))).isNotNull();
    }

    @Test
    void connectionsBeyondTheServerLimitAreRefusedWith503() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withConnections(2, 0));
        raw().await(ServerEvent.Welcome.class);
        raw().await(ServerEvent.Welcome.class);

        assertThatThrownBy(() -> RawWebSocket.connect(server.port(), null))
                .isInstanceOf(IOException.class).hasMessageContaining("503");
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedWith503() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withConnections(0, 2));
        raw().await(ServerEvent.Welcome.class);
        raw().await(ServerEvent.Welcome.class);

        assertThatThrownBy(() -> RawWebSocket.connect(server.port(), null))
                .isInstanceOf(IOException.class).hasMessageContaining("503");
    }

    // --- slow consumers and dead peers

    @Test
    void aStalledReaderIsToldWhyWhenItReadsAgainAndTheOthersGetEverything() throws Exception {
        start(ChatLimits.defaults().withGracePeriod(Duration.ZERO),
                TransportLimits.defaults().withRate(0, 1, 0).withOutboundBytes(64 * 1024));
        var staller = RawWebSocket.connect(server.port(), null, 4096);
        clients.add(staller);
        staller.sendText("{\"type\":\"join\",\"room\":\"busy\"}");
        staller.await(ServerEvent.Joined.class);
        var sender = WireClient.connectAs(server.port(), "sender");
        var reader = WireClient.connectAs(server.port(), "reader");
        clients.add(sender);
        clients.add(reader);
        join(sender, "busy");
        join(reader, "busy");
        // Enough to fill the kernel's socket buffers (up to 4 MiB on loopback) and then the 64 KiB queue.
        String text = "y".repeat(1500);

        for (int i = 1; i <= 6000; i++) {
            sender.send("{\"type\":\"say\",\"room\":\"busy\",\"text\":\"" + text + "\"}");
            if (i % 200 == 0) {
                // Paced by its own echo, so that only the staller falls behind.
                int sent = i;
                org.awaitility.Awaitility.await().atMost(WireClient.TIMEOUT)
                        .until(() -> reader.received(ServerEvent.Message.class).size() >= sent);
            }
        }

        reader.await(ServerEvent.Presence.class, p -> p.event().equals("leave") && p.nick().startsWith("guest-"));
        org.awaitility.Awaitility.await().atMost(WireClient.TIMEOUT)
                .until(() -> reader.received(ServerEvent.Message.class).size() == 6000);
        // The staller stays stalled a while longer, then reads again: behind what was in flight, the close
        // says why (not a bare reset, 1006), and then the socket ends.
        Thread.sleep(3_000);
        assertThat(staller.awaitCloseCode(Duration.ofSeconds(10))).isEqualTo(4000);
        assertThat(staller.isCutOff(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsDroppedWithinIntervalPlusTimeout() throws Exception {
        start(ChatLimits.defaults().withGracePeriod(Duration.ZERO),
                TransportLimits.defaults().withHeartbeat(Duration.ofMillis(300), Duration.ofMillis(300)));
        var silent = raw();
        silent.sendText("{\"type\":\"join\",\"room\":\"lobby\"}");
        silent.await(ServerEvent.Joined.class);
        var watcher = WireClient.connectAs(server.port(), "watcher");
        clients.add(watcher);
        join(watcher, "lobby");
        long start = System.nanoTime();

        var left = watcher.await(ServerEvent.Presence.class, p -> p.event().equals("leave"));

        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(left.nick()).startsWith("guest-");
        assertThat(tookMillis).isLessThan(2_000);
        assertThat(watcher.session().isOpen()).as("a client that answers pings stays").isTrue();
    }

    // --- bad input over the wire

    @Test
    void hostileFramesGetErrorsAndTheConnectionStaysUsable() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults().withRate(0, 1, 0));
        var client = raw();
        client.await(ServerEvent.Welcome.class);
        client.sendText("{\"type\":\"join\",\"room\":\"lobby\"}");
        client.await(ServerEvent.Joined.class);
        List<String> hostile = List.of("null", "[1,2]", "42", "\"join\"", "{\"type\":\"join\",\"room\":\"a\",\"room\":\"b\"}",
                "[".repeat(16_000), "{\"type\":\"rooms\",\"x\":1e" + "9".repeat(10_000) + "}x",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"nul\\u0000\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"lone\\ud800\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"" + "\\u0301".repeat(2001) + "\"}",
                "{\"type\":\"nick\",\"nick\":\"adm\\u200bin\"}", "{\"type\":\"nick\",\"nick\":\"evil\\u202e\"}",
                "{\"type\":\"nick\",\"nick\":\"line\\r\\nbreak\"}", "{\"type\":\"say\",\"room\":\"lobby\"}");

        long start = System.nanoTime();
        for (String frame : hostile) {
            client.sendText(frame);
        }
        List<ServerEvent.Error> errors = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            errors.add(client.await(ServerEvent.Error.class));
        }

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(errors).extracting(ServerEvent.Error::code).containsOnly(400, 413);
        client.sendText("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"still here\",\"ref\":\"ok\"}");
        assertThat(client.await(ServerEvent.Ok.class).ref()).isEqualTo("ok");
    }

    @Test
    void aStoppedServerRefusesNewConnections() throws Exception {
        start(ChatLimits.defaults(), TransportLimits.defaults());
        int port = server.port();

        server.stop();
        server = null;

        assertThatThrownBy(() -> RawWebSocket.connect(port, null)).isInstanceOf(IOException.class);
    }

    // --- helpers

    private void start(ChatLimits chatLimits, TransportLimits transportLimits) throws IOException {
        server = ParleyServer.start("127.0.0.1", 0, chatLimits, transportLimits);
    }

    private RawWebSocket raw() throws IOException {
        var client = RawWebSocket.connect(server.port(), null);
        clients.add(client);
        return client;
    }

    private static void join(WireClient client, String room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"join-" + room + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ("join-" + room).equals(ok.ref()));
    }

    /** A JSON frame of exactly {@code bytes} bytes: the head, padding, and a closing quote and brace. */
    private static String padded(String head, int bytes) {
        return head + "x".repeat(bytes - head.length() - 2) + "\"}";
    }
}
