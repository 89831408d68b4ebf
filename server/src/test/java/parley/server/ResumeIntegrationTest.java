package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Welcome;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Dropped connections resumed over the wire, against the real server. */
@Timeout(60)
class ResumeIntegrationTest {
    private WebSocketServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stopServer() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        server.stop();
    }

    @Test
    void aClientThatDropsDuringSteadyTrafficResumesAndGetsEveryMessageOnceInOrder() throws Exception {
        start(ChatLimits.defaults());
        var listener = raw(null);
        Welcome welcome = listener.await(Welcome.class);
        listener.sendText("{\"type\":\"nick\",\"nick\":\"listener\"}");
        listener.sendText("{\"type\":\"join\",\"room\":\"busy\"}");
        listener.await(Joined.class);
        var talker = WireClient.connectAs(server.port(), "talker");
        clients.add(talker);
        talker.send("{\"type\":\"join\",\"room\":\"busy\",\"ref\":\"j\"}");
        talker.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        var talking = new AtomicBoolean(true);
        int total = 300;
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= total; i++) {
                try {
                    talker.send("{\"type\":\"say\",\"room\":\"busy\",\"text\":\"" + i + "\"}");
                    Thread.sleep(2);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            talking.set(false);
        });
        List<Message> seen = new ArrayList<>();
        while (seen.size() < 60) {
            seen.add(listener.await(Message.class));
        }

        listener.drop();
        var resumed = raw("resume=" + welcome.resume());
        Welcome again = resumed.await(Welcome.class);
        resumed.sendText("{\"type\":\"join\",\"room\":\"busy\",\"since\":\"" + seen.get(seen.size() - 1).id() + "\"}");
        Joined joined = resumed.await(Joined.class, any -> true, Message.class);
        seen.addAll(joined.history());
        traffic.join();
        while (Long.parseLong(seen.get(seen.size() - 1).id()) < total) {
            seen.add(resumed.await(Message.class));
        }

        assertThat(again.resumed()).isTrue();
        assertThat(again.nick()).isEqualTo("listener");
        assertThat(again.rooms()).containsExactly("busy");
        assertThat(joined.missed()).isZero();
        assertThat(seen).extracting(Message::text)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, total).mapToObj(String::valueOf).toList());
        assertThat(talking).isFalse();
    }

    @Test
    void anUnknownTokenGetsAnOrdinaryNewWelcome() throws Exception {
        start(ChatLimits.defaults());

        var client = raw("resume=not-a-token");

        Welcome welcome = client.await(Welcome.class);
        assertThat(welcome.resumed()).isFalse();
        assertThat(welcome.nick()).startsWith("guest-");
        assertThat(welcome.resume()).isNotBlank();
    }

    @Test
    void othersSeeNoChurnWhenADroppedUserResumesWithinTheGracePeriod() throws Exception {
        start(ChatLimits.defaults());
        var watcher = WireClient.connectAs(server.port(), "watcher");
        clients.add(watcher);
        watcher.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        watcher.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        var flaky = raw(null);
        Welcome welcome = flaky.await(Welcome.class);
        flaky.sendText("{\"type\":\"join\",\"room\":\"lobby\"}");
        flaky.await(Joined.class);
        watcher.await(ServerEvent.Presence.class);

        flaky.drop();
        watcher.send("{\"type\":\"whisper\",\"to\":\"" + welcome.nick() + "\",\"text\":\"while you were away\"}");
        var back = raw("resume=" + welcome.resume());

        assertThat(back.await(Welcome.class).resumed()).isTrue();
        assertThat(back.await(ServerEvent.WhisperMessage.class).text()).isEqualTo("while you were away");
        watcher.sync();
        assertThat(watcher.received(ServerEvent.Presence.class)).hasSize(1);
    }

    @Test
    void aDroppedUserLeavesWhenTheGracePeriodEnds() throws Exception {
        start(ChatLimits.defaults().withGracePeriod(Duration.ofMillis(300)));
        var watcher = WireClient.connectAs(server.port(), "watcher");
        clients.add(watcher);
        watcher.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        watcher.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        var flaky = raw(null);
        flaky.await(Welcome.class);
        flaky.sendText("{\"type\":\"join\",\"room\":\"lobby\"}");
        flaky.await(Joined.class);

        flaky.drop();

        assertThat(watcher.await(ServerEvent.Presence.class, p -> p.event().equals("leave")).nick()).startsWith("guest-");
    }

    private void start(ChatLimits limits) throws IOException {
        server = ParleyServer.start("127.0.0.1", 0, limits, TransportLimits.defaults().withRate(0, 1, 0));
    }

    private RawWebSocket raw(String query) throws IOException {
        var client = RawWebSocket.connect(server.port(), query);
        clients.add(client);
        return client;
    }
}
