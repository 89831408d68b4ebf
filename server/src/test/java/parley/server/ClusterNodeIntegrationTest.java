package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.cluster.MemoryClusterStore;
import parley.server.cluster.TestNodes;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster node on a real socket, over the in-memory store made slow or unreachable on purpose. */
class ClusterNodeIntegrationTest {
    private final MemoryClusterStore store = new MemoryClusterStore();
    private final List<WireClient> clients = new ArrayList<>();
    private ChatService chat;
    private WebSocketServer server;

    private void start() throws Exception {
        chat = TestNodes.node(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC(), store);
        server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults().withRate(0, 1, 0));
    }

    @AfterEach
    void stop() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        server.stop();
        chat.close();
    }

    @Test
    void aStoreThatAnswersLateHoldsUpOnlyTheRequestsWaitingForIt() throws Exception {
        start();
        var waiting = track(WireClient.connect(server.port()));
        waiting.await(ServerEvent.Welcome.class);
        // Connections are spread over the selector threads in turn: with twice as many pairs as processors, some
        // share the thread that read the waiting client's requests.
        int pairs = 2 * Runtime.getRuntime().availableProcessors();
        List<WireClient> chatters = new ArrayList<>();
        for (int i = 0; i < 2 * pairs; i++) {
            WireClient chatter = track(WireClient.connect(server.port()));
            chatter.await(ServerEvent.Welcome.class);
            chatters.add(chatter);
        }
        store.delay(200);

        for (int room = 0; room < 10; room++) {
            waiting.send("{\"type\":\"join\",\"room\":\"room" + room + "\",\"ref\":\"j" + room + "\"}");
        }
        long slowest = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < pairs; i++) {
                WireClient from = chatters.get(2 * i);
                String to = chatters.get(2 * i + 1).received(ServerEvent.Welcome.class).get(0).nick();
                String ref = "w" + round + "-" + i;
                long sent = System.nanoTime();
                from.send("{\"type\":\"whisper\",\"to\":\"" + to + "\",\"text\":\"hi\",\"ref\":\"" + ref + "\"}");
                from.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
                slowest = Math.max(slowest, System.nanoTime() - sent);
            }
        }

        assertThat(waiting.received(ServerEvent.Ok.class)).as("the joins still wait for the store").hasSizeLessThan(10);
        assertThat(slowest / 1_000_000).as("slowest whisper between users of this node, ms").isLessThan(100);
        waiting.await(ServerEvent.Ok.class, ok -> "j9".equals(ok.ref()));
        assertThat(waiting.received(ServerEvent.Ok.class)).extracting(ServerEvent.Ok::ref)
                .as("answered in the order asked").containsExactly("j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8", "j9");
    }

    @Test
    void aSendersRoomMessagesGoToASlowStoreWithoutWaitingForEachOtherAndAreAnsweredInOrder() throws Exception {
        start();
        var ann = track(WireClient.connectAs(server.port(), "ann"));
        join(ann, "lobby");
        store.delay(300);

        long sent = System.nanoTime();
        for (int i = 1; i <= 10; i++) {
            ann.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"m" + i + "\",\"ref\":\"s" + i + "\"}");
        }
        ann.await(ServerEvent.Ok.class, ok -> "s10".equals(ok.ref()));
        long tookMs = (System.nanoTime() - sent) / 1_000_000;

        assertThat(tookMs).as("ten messages, each 300 ms in the store, not one after another").isLessThan(1_500);
        assertThat(ann.received(ServerEvent.Ok.class)).extracting(ServerEvent.Ok::ref).containsSubsequence(
                "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10");
        assertThat(ann.received(ServerEvent.Message.class)).extracting(ServerEvent.Message::text)
                .containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10");
    }

    @Test
    void aStoreOutOfReachLeavesTheUsersHereChattingInOrder() throws Exception {
        start();
        var ann = track(WireClient.connectAs(server.port(), "ann"));
        var bob = track(WireClient.connectAs(server.port(), "bob"));
        join(ann, "lobby");
        join(bob, "lobby");
        say(ann, "one");

        store.unreachable(true);
        say(ann, "two");
        say(bob, "three");

        bob.await(ServerEvent.Message.class, message -> message.text().equals("three"));
        assertThat(bob.received(ServerEvent.Message.class)).extracting(ServerEvent.Message::id, ServerEvent.Message::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "one"),
                        org.assertj.core.groups.Tuple.tuple("2", "two"), org.assertj.core.groups.Tuple.tuple("3", "three"));
        ann.send("{\"type\":\"nick\",\"nick\":\"annie\",\"ref\":\"n\"}");
        assertThat(ann.await(ServerEvent.Error.class).reason()).isEqualTo("CLUSTER_UNAVAILABLE");

        store.unreachable(false);
        org.awaitility.Awaitility.await().atMost(WireClient.TIMEOUT)
                .until(() -> Boolean.TRUE.equals(chat.health().get("clusterReachable")));
        ann.send("{\"type\":\"nick\",\"nick\":\"annie\",\"ref\":\"n2\"}");
        ann.await(ServerEvent.Ok.class, ok -> "n2".equals(ok.ref()));
        say(bob, "four");
        assertThat(ann.await(ServerEvent.Message.class, message -> message.text().equals("four")).id()).isEqualTo("4");
        assertThat(store.shared().membersOf("lobby")).hasSize(2);
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private static void join(WireClient client, String room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"join-" + room + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ("join-" + room).equals(ok.ref()));
    }

    private static void say(WireClient client, String text) throws Exception {
        String ref = "say-" + text;
        client.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"" + text + "\",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }
}
