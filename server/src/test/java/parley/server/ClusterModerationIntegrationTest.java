package parley.server;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.server.access.Access;
import parley.server.access.TrustedProxies;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.cluster.ClusterBackplane;
import parley.server.cluster.RedisClusterStore;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import redis.embedded.RedisServer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms run across two nodes on a real Redis: the operator race, kicks, bans (by nickname and address), modes,
 * topics, invitations, away and whois reach members on the other node, and a resume there keeps role and away.
 * Nodes trust 127.0.0.1 as their load balancer, so that each test client has an address of its own.
 */
@Timeout(90)
class ClusterModerationIntegrationTest {
    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    private static int redisPort;
    private static RedisServer redis;

    private final List<ChatService> chats = new ArrayList<>();
    private final List<RedisClusterStore> stores = new ArrayList<>();
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WireClient> clients = new ArrayList<>();
    private int a;
    private int b;

    @BeforeAll
    static void startRedis() throws Exception {
        redisPort = TestRedis.freePort();
        redis = TestRedis.startOn(redisPort);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
    }

    @BeforeEach
    void startNodes() throws Exception {
        TestRedis.flush(redisPort);
        a = startNode();
        b = startNode();
    }

    private int startNode() throws Exception {
        var codec = new EventCodec();
        var store = new RedisClusterStore("redis://127.0.0.1:" + redisPort, Duration.ofMillis(500), 100_000);
        var chat = new ChatService(codec, ChatLimits.defaults(), Clock.systemUTC(),
                ClusterBackplane.withOwnThreads(codec, ChatLimits.defaults(), store, Duration.ofSeconds(2)));
        chat.start();
        chats.add(chat);
        stores.add(store);
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults(),
                Access.open().withTrustedProxies(TrustedProxies.of(List.of("127.0.0.1"))), null);
        servers.add(server);
        return server.port();
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        servers.forEach(WebSocketServer::stop);
        chats.forEach(ChatService::close);
    }

    @Test
    void twoNodesRacingToCreateARoomGiveItExactlyOneOperator() throws Exception {
        for (int round = 0; round < 10; round++) {
            String room = "race" + round;
            var alice = as(a, "alice" + round);
            var bob = as(b, "bob" + round);
            alice.send(joinFrame(room, "x"));
            bob.send(joinFrame(room, "x"));
            alice.await(ServerEvent.Ok.class, ok -> "x".equals(ok.ref()));
            bob.await(ServerEvent.Ok.class, ok -> "x".equals(ok.ref()));

            var witness = as(round % 2 == 0 ? a : b, "witness" + round);
            int thisRound = round;
            Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
                Joined joined = join(witness, room);
                assertThat(joined.roles()).as("round %d", thisRound).hasSize(1).containsValue("op");
                leave(witness, room);
            });
        }
    }

    @Test
    void aKickOnOneNodePutsAMemberOnTheOtherOutWithoutALeave() throws Exception {
        var alice = as(a, "alice");
        var bob = as(b, "bob");
        var carol = as(b, "carol");
        join(alice, "lobby");
        join(bob, "lobby");
        join(carol, "lobby");

        alice.send("{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"cool off\",\"ref\":\"k\"}");

        var kicked = new ServerEvent.Kicked("lobby", "bob", "alice", "cool off");
        assertThat(bob.await(ServerEvent.Kicked.class)).isEqualTo(kicked);
        assertThat(carol.await(ServerEvent.Kicked.class)).isEqualTo(kicked);
        assertThat(alice.await(ServerEvent.Kicked.class)).isEqualTo(kicked);
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            bob.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hey\",\"ref\":\"s\"}");
            assertThat(bob.await(ServerEvent.Error.class, error -> "s".equals(error.ref())).reason()).isEqualTo("NOT_IN_ROOM");
        });
        var dave = as(a, "dave");
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() ->
                assertThat(join(dave, "lobby").members()).containsExactly("alice", "carol", "dave"));
        alice.sync();
        carol.sync();
        assertThat(alice.received(ServerEvent.Presence.class)).noneMatch(presence -> presence.event().equals("leave"));
        assertThat(carol.received(ServerEvent.Presence.class)).noneMatch(presence -> presence.event().equals("leave"));
    }

    @Test
    void aBanOnOneNodeKeepsTheNicknameAndTheAddressOutOnTheOther() throws Exception {
        var alice = as(a, "alice");
        String malloryAddress = nextAddress();
        var mallory = as(b, "mallory", malloryAddress);
        join(alice, "lobby");
        join(mallory, "lobby");

        alice.send("{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"mallory\",\"reason\":\"spam\"}");

        assertThat(mallory.await(ServerEvent.Banned.class)).isEqualTo(new ServerEvent.Banned("lobby", "mallory", "alice", "spam"));
        assertThat(mallory.await(ServerEvent.Kicked.class).reason()).isEqualTo("spam");
        mallory.close();
        var again = as(b, "mallory2", malloryAddress);
        assertThat(joinRefusal(again, "lobby")).as("the same address under a new nickname").isEqualTo("BANNED");
        var sameNick = as(a, "MALLORY");
        assertThat(joinRefusal(sameNick, "lobby")).as("the nickname from another address").isEqualTo("BANNED");
        var carol = as(b, "carol");
        assertThat(join(carol, "lobby").members()).contains("alice", "carol");
        carol.send("{\"type\":\"bans\",\"room\":\"lobby\"}");
        assertThat(carol.await(ServerEvent.BanList.class).bans()).extracting(ServerEvent.BanInfo::nick).containsExactly("mallory");
    }

    @Test
    void modesTopicAndInvitationsOnOneNodeHoldOnTheOther() throws Exception {
        var alice = as(a, "alice");
        var bob = as(b, "bob");
        join(alice, "lobby");
        join(bob, "lobby");

        alice.send("{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":true,\"topicLocked\":true}");
        assertThat(bob.await(ServerEvent.ModeChanged.class).modes()).isEqualTo(new ServerEvent.Modes(true, true, false, false));
        bob.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hello?\",\"ref\":\"s\"}");
        assertThat(bob.await(ServerEvent.Error.class, error -> "s".equals(error.ref())).reason()).isEqualTo("MODERATED");
        bob.send("{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"mine\",\"ref\":\"t\"}");
        assertThat(bob.await(ServerEvent.Error.class, error -> "t".equals(error.ref())).reason()).isEqualTo("NOT_OPERATOR");
        alice.send("{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Release on Friday\"}");
        assertThat(bob.await(ServerEvent.TopicChanged.class).topic()).isEqualTo("Release on Friday");
        alice.send("{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"bob\",\"role\":\"voice\"}");
        bob.await(ServerEvent.RoleChanged.class);
        bob.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"voiced now\",\"ref\":\"s2\"}");
        bob.await(ServerEvent.Ok.class, ok -> "s2".equals(ok.ref()));

        alice.send("{\"type\":\"mode\",\"room\":\"lobby\",\"inviteOnly\":true}");
        bob.await(ServerEvent.ModeChanged.class, mode -> mode.modes().inviteOnly());
        var carol = as(b, "carol");
        assertThat(joinRefusal(carol, "lobby")).isEqualTo("INVITE_ONLY");
        alice.send("{\"type\":\"invite\",\"room\":\"lobby\",\"nick\":\"carol\"}");
        assertThat(carol.await(ServerEvent.Invited.class)).isEqualTo(new ServerEvent.Invited("lobby", "alice"));
        Joined joined = join(carol, "lobby");
        assertThat(joined.topic().text()).isEqualTo("Release on Friday");
        assertThat(joined.roles()).isEqualTo(Map.of("alice", "op", "bob", "voice"));
        assertThat(joined.modes()).isEqualTo(new ServerEvent.Modes(true, true, true, false));
    }

    @Test
    void awayAndWhoisReachAcrossNodesAndAResumeElsewhereKeepsRoleAndAway() throws Exception {
        var alice = as(a, "alice");
        var bob = as(b, "bob");
        join(alice, "lobby");
        join(bob, "lobby");

        alice.send("{\"type\":\"away\",\"message\":\"lunch\"}");
        assertThat(bob.await(ServerEvent.AwayChanged.class)).isEqualTo(new ServerEvent.AwayChanged("alice", "lunch"));
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            bob.send("{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"there?\",\"ref\":\"w\"}");
            assertThat(bob.await(ServerEvent.Ok.class, ok -> "w".equals(ok.ref())).away()).isEqualTo("lunch");
        });
        var carol = as(b, "carol");
        assertThat(join(carol, "lobby").away()).isEqualTo(Map.of("alice", "lunch"));
        carol.send("{\"type\":\"whois\",\"nick\":\"alice\"}");
        var whois = carol.await(ServerEvent.WhoisReply.class);
        assertThat(whois.rooms()).containsExactly("lobby");
        assertThat(whois.away()).isEqualTo("lunch");
        assertThat(whois.secure()).isFalse();

        String token = alice.received(ServerEvent.Welcome.class).get(0).resume();
        var moved = track(WireClient.resume(b, token));
        assertThat(moved.await(ServerEvent.Welcome.class).resumed()).isTrue();
        moved.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"0\",\"ref\":\"j\"}");
        moved.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        Joined rejoined = moved.received(Joined.class).get(0);
        assertThat(rejoined.roles()).containsEntry("alice", "op");
        assertThat(rejoined.away()).containsEntry("alice", "lunch");
        moved.send("{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"carol\",\"ref\":\"k\"}");
        moved.await(ServerEvent.Ok.class, ok -> "k".equals(ok.ref()));
    }

    @Test
    void whenTheNodeOfTheLastOperatorDiesTheLongestMemberElsewhereBecomesOperator() throws Exception {
        var alice = as(a, "alice");
        var bob = as(b, "bob");
        var carol = as(b, "carol");
        join(alice, "lobby");
        join(bob, "lobby");
        join(carol, "lobby");

        // Node a stops without a word: its lease runs out and node b sweeps its users.
        stores.get(0).abandon();
        servers.get(0).stop();
        chats.get(0).close();

        bob.await(ServerEvent.Presence.class, presence -> presence.nick().equals("alice") && presence.event().equals("leave"));
        assertThat(carol.await(ServerEvent.RoleChanged.class)).isEqualTo(new ServerEvent.RoleChanged("lobby", "bob", "op", null));
        bob.send("{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"carol\",\"ref\":\"k\"}");
        bob.await(ServerEvent.Ok.class, ok -> "k".equals(ok.ref()));
    }

    // --- helpers

    private static String nextAddress() {
        return "198.51.100." + ADDRESSES.incrementAndGet();
    }

    private WireClient as(int port, String nick) throws Exception {
        return as(port, nick, nextAddress());
    }

    private WireClient as(int port, String nick, String address) throws Exception {
        WireClient client = track(WireClient.connectForwardedFor(port, address));
        client.await(ServerEvent.Welcome.class);
        client.send("{\"type\":\"nick\",\"nick\":\"" + nick + "\",\"ref\":\"nick\"}");
        client.await(ServerEvent.Ok.class, ok -> "nick".equals(ok.ref()));
        return client;
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private static String joinFrame(String room, String ref) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"" + ref + "\"}";
    }

    private static Joined join(WireClient client, String room) throws Exception {
        String ref = "join-" + System.nanoTime();
        client.send(joinFrame(room, ref));
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
        List<Joined> joins = client.received(Joined.class);
        return joins.get(joins.size() - 1);
    }

    private static String joinRefusal(WireClient client, String room) throws Exception {
        String ref = "join-" + System.nanoTime();
        client.send(joinFrame(room, ref));
        return client.await(ServerEvent.Error.class, error -> ref.equals(error.ref())).reason();
    }

    private static void leave(WireClient client, String room) throws Exception {
        String ref = "leave-" + System.nanoTime();
        client.send("{\"type\":\"leave\",\"room\":\"" + room + "\",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }
}
