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
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.WhisperMessage;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.cluster.ClusterBackplane;
import parley.server.cluster.ClusterEvent;
import parley.server.cluster.RedisClusterStore;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three server nodes in this JVM, each on its own port, sharing one real Redis started on a free port (the
 * {@code redis-server} binary that embedded-redis carries). Clients on different nodes must see one chat.
 */
@Timeout(90)
class ClusterIntegrationTest {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static int redisPort;
    private static RedisServer redis;

    private final List<Node> nodes = new ArrayList<>();
    private final List<WireClient> clients = new ArrayList<>();

    /** One server process's worth: its chat, its Redis connection and its WebSocket port. */
    private record Node(ChatService chat, ClusterBackplane backplane, RedisClusterStore store, WebSocketServer server) {
        int port() {
            return server.port();
        }
    }

    @BeforeAll
    static void startRedis() throws IOException {
        try (var socket = new ServerSocket(0)) {
            redisPort = socket.getLocalPort();
        }
        redis = startRedisOn(redisPort);
    }

    private static RedisServer startRedisOn(int port) {
        return TestRedis.startOn(port);
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) {
            redis.stop();
        }
    }

    @BeforeEach
    void startNodes() throws Exception {
        if (!redis.isActive()) {
            redis = startRedisOn(redisPort);
        }
        try (var client = io.lettuce.core.RedisClient.create(redisUri()); var flush = client.connect()) {
            flush.sync().flushall();
        }
        for (int i = 0; i < 3; i++) {
            nodes.add(startNode());
        }
    }

    private Node startNode() throws IOException {
        return startNode(100_000);
    }

    private Node startNode(int maxQueuedEvents) throws IOException {
        var store = new RedisClusterStore(redisUri(), Duration.ofMillis(500), maxQueuedEvents);
        var codec = new EventCodec();
        var backplane = ClusterBackplane.withOwnThreads(codec, ChatLimits.defaults(), store, LEASE);
        var chat = new ChatService(codec, ChatLimits.defaults(), Clock.systemUTC(), backplane);
        chat.start();
        return new Node(chat, backplane, store, ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults()));
    }

    private static String redisUri() {
        return "redis://127.0.0.1:" + redisPort;
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        for (Node node : nodes) {
            node.server().stop();
            node.chat().close();
        }
    }

    @Test
    void roomMessagesReachEveryMemberOnEveryNodeOnceInOneOrder() throws Exception {
        List<WireClient> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            WireClient member = as(nodes.get(i % 3), "member" + i);
            join(member, "lobby");
            members.add(member);
        }
        int perSender = 30;
        ExecutorService senders = Executors.newFixedThreadPool(3);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> sending = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            WireClient sender = members.get(s);
            int senderNumber = s;
            sending.add(senders.submit(() -> {
                start.await();
                for (int m = 0; m < perSender; m++) {
                    sender.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"" + senderNumber + ":" + m + "\"}");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> send : sending) {
            send.get();
        }
        senders.shutdown();

        for (WireClient member : members) {
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> member.received(Message.class).size() >= 3 * perSender);
            member.sync();
            List<Message> got = member.received(Message.class);
            assertThat(got).hasSize(3 * perSender);
            assertThat(got).extracting(message -> Long.parseLong(message.id()))
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 3L * perSender).boxed().toList());
            for (int s = 0; s < 3; s++) {
                String prefix = s + ":";
                assertThat(got.stream().map(Message::text).filter(text -> text.startsWith(prefix)).toList())
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perSender).mapToObj(m -> prefix + m).toList());
            }
        }
    }

    @Test
    void aWhisperReachesItsRecipientOnAnotherNodeAndNobodyElse() throws Exception {
        var alice = as(nodes.get(0), "alice");
        var bob = as(nodes.get(1), "bob");
        var carol = as(nodes.get(2), "carol");

        alice.send("{\"type\":\"whisper\",\"to\":\"BOB\",\"text\":\"psst\",\"ref\":\"w\"}");

        var delivered = bob.await(WhisperMessage.class);
        assertThat(delivered.from()).isEqualTo("alice");
        assertThat(delivered.to()).isEqualTo("bob");
        assertThat(alice.await(WhisperMessage.class).id()).isEqualTo(delivered.id());
        alice.await(ServerEvent.Ok.class, ok -> "w".equals(ok.ref()));
        carol.sync();
        bob.sync();
        assertThat(carol.received(WhisperMessage.class)).isEmpty();

        alice.send("{\"type\":\"whisper\",\"to\":\"nobody\",\"text\":\"hello?\",\"ref\":\"x\"}");
        var refused = alice.await(ServerEvent.Error.class, error -> "x".equals(error.ref()));
        assertThat(refused.code()).isEqualTo(404);
    }

    @Test
    void twentyClaimsOfOneNicknameAcrossThreeNodesHaveOneWinner() throws Exception {
        List<WireClient> claimants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            WireClient client = track(WireClient.connect(nodes.get(i % 3).port()));
            client.await(ServerEvent.Welcome.class);
            claimants.add(client);
        }
        for (WireClient client : claimants) {
            client.send("{\"type\":\"nick\",\"nick\":\"Zed\",\"ref\":\"claim\"}");
        }
        int won = 0;
        int taken = 0;
        for (WireClient client : claimants) {
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> client.received().stream().anyMatch(event ->
                    event instanceof ServerEvent.Ok ok && "claim".equals(ok.ref())
                            || event instanceof ServerEvent.Error error && "claim".equals(error.ref())));
            if (!client.received(ServerEvent.Ok.class).stream().filter(ok -> "claim".equals(ok.ref())).toList().isEmpty()) {
                won++;
            } else {
                assertThat(client.await(ServerEvent.Error.class).code()).isEqualTo(409);
                taken++;
            }
        }
        assertThat(won).isEqualTo(1);
        assertThat(taken).isEqualTo(19);
    }

    @Test
    void membersPresenceRoomListAndRenamesAreTheSameOnEveryNode() throws Exception {
        var alice = as(nodes.get(0), "alice");
        var bob = as(nodes.get(1), "bob");
        var carol = as(nodes.get(2), "carol");
        join(alice, "Lobby");

        Joined joined = join(bob, "lobby");
        assertThat(joined.room()).isEqualTo("Lobby");
        assertThat(joined.members()).containsExactly("alice", "bob");
        assertThat(alice.await(Presence.class, p -> p.nick().equals("bob")).event()).isEqualTo("join");

        carol.send("{\"type\":\"rooms\"}");
        assertThat(carol.await(ServerEvent.RoomList.class).rooms()).containsExactly(new ServerEvent.RoomInfo("Lobby", 2));

        bob.send("{\"type\":\"nick\",\"nick\":\"robert\"}");
        var renamed = alice.await(ServerEvent.NickChanged.class, change -> change.old().equals("bob"));
        assertThat(renamed.newNick()).isEqualTo("robert");
        carol.sync();
        assertThat(carol.received(ServerEvent.NickChanged.class)).noneMatch(change -> change.old().equals("bob"));

        bob.send("{\"type\":\"leave\",\"room\":\"lobby\"}");
        assertThat(alice.await(Presence.class, p -> p.nick().equals("robert")).event()).isEqualTo("leave");
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            carol.send("{\"type\":\"rooms\",\"ref\":\"again\"}");
            carol.await(ServerEvent.Ok.class, ok -> "again".equals(ok.ref()));
            List<ServerEvent.RoomList> lists = carol.received(ServerEvent.RoomList.class);
            assertThat(lists.get(lists.size() - 1).rooms()).containsExactly(new ServerEvent.RoomInfo("Lobby", 1));
        });
    }

    @Test
    void aResumedSessionMovesToAnotherNodeWithItsNicknameRoomsAndMissedMessages() throws Exception {
        var alice = as(nodes.get(0), "alice");
        var bob = as(nodes.get(1), "bob");
        join(alice, "lobby");
        join(bob, "lobby");
        say(bob, "lobby", "one");
        alice.await(Message.class, m -> m.text().equals("one"));
        String token = alice.received(ServerEvent.Welcome.class).get(0).resume();

        var moved = track(WireClient.resume(nodes.get(2).port(), token));
        var welcome = moved.await(ServerEvent.Welcome.class);
        assertThat(welcome.resumed()).isTrue();
        assertThat(welcome.nick()).isEqualTo("alice");
        assertThat(welcome.rooms()).containsExactly("lobby");
        assertThat(alice.awaitClose().getCloseCode().getCode()).isEqualTo(4002);

        say(bob, "lobby", "two");
        say(bob, "lobby", "three");
        moved.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"1\"}");
        Joined caughtUp = moved.await(Joined.class);
        assertThat(caughtUp.history()).extracting(Message::id, Message::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2", "two"), org.assertj.core.groups.Tuple.tuple("3", "three"));
        assertThat(caughtUp.members()).containsExactly("alice", "bob");
        bob.sync();
        assertThat(bob.received(Presence.class)).isEmpty();
    }

    @Test
    void whileRedisIsDownEachNodeServesItsOwnUsersAndAfterwardsReportsWhatOthersMissed() throws Exception {
        var alice = as(nodes.get(0), "alice");
        var ann = as(nodes.get(0), "ann");
        var bob = as(nodes.get(1), "bob");
        join(alice, "lobby");
        join(ann, "lobby");
        join(bob, "lobby");
        say(alice, "lobby", "before");
        bob.await(Message.class, m -> m.text().equals("before"));

        redis.stop();
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> !nodes.get(0).backplane().isInCluster()
                && !nodes.get(1).backplane().isInCluster());
        say(alice, "lobby", "while cut off");
        assertThat(ann.await(Message.class, m -> m.text().equals("while cut off")).id()).isEqualTo("2");
        alice.send("{\"type\":\"nick\",\"nick\":\"alicia\",\"ref\":\"n\"}");
        assertThat(alice.await(ServerEvent.Error.class, e -> "n".equals(e.ref())).code()).isEqualTo(503);
        alice.send("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"far away\",\"ref\":\"far\"}");
        assertThat(alice.await(ServerEvent.Error.class, e -> "far".equals(e.ref())).reason()).isEqualTo("CLUSTER_UNAVAILABLE");
        alice.send("{\"type\":\"whisper\",\"to\":\"ann\",\"text\":\"next door\"}");
        assertThat(ann.await(WhisperMessage.class).text()).isEqualTo("next door");

        redis = startRedisOn(redisPort);
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> nodes.stream().allMatch(node -> node.backplane().isInCluster()));
        assertThat(bob.await(ServerEvent.Missed.class).count()).isEqualTo(1);

        say(bob, "lobby", "after");
        for (WireClient member : List.of(alice, ann, bob)) {
            member.await(Message.class, m -> m.text().equals("after"));
            member.sync();
            List<Long> ids = member.received(Message.class).stream().map(m -> Long.parseLong(m.id())).toList();
            assertThat(ids).doesNotHaveDuplicates().isSorted();
        }
        assertThat(bob.received(Message.class)).extracting(Message::text).containsExactly("before", "after");
        assertThat(ann.received(Message.class)).extracting(Message::text).containsExactly("before", "while cut off", "after");
        assertThat(bob.received(ServerEvent.Missed.class)).containsExactly(new ServerEvent.Missed("lobby", 1));
        assertThat(alice.received(ServerEvent.Missed.class)).isEmpty();
        assertThat(ann.received(ServerEvent.Missed.class)).isEmpty();
    }

    @Test
    void steadyTrafficThroughARedisRestartIsDeliveredOrReportedMissedAndNeverTwice() throws Exception {
        steadyTrafficThrough(() -> {
            redis.stop();
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> !nodes.get(0).backplane().isInCluster());
            Thread.sleep(600);
            redis = startRedisOn(redisPort);
        });
    }

    @Test
    void steadyTrafficThroughARedisPauseIsDeliveredOrReportedMissedAndNeverTwice() throws Exception {
        steadyTrafficThrough(() -> {
            try (var client = io.lettuce.core.RedisClient.create(redisUri()); var pausing = client.connect()) {
                pausing.sync().clientPause(3_000);
            }
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> !nodes.get(0).backplane().isInCluster());
        });
    }

    /** Alice talks steadily on node 0 through a disturbance of Redis; ann shares her node, bob is on node 1. */
    private interface Disturbance {
        void apply() throws Exception;
    }

    private void steadyTrafficThrough(Disturbance disturbance) throws Exception {
        var alice = as(nodes.get(0), "alice");
        var ann = as(nodes.get(0), "ann");
        var bob = as(nodes.get(1), "bob");
        for (WireClient member : List.of(alice, ann, bob)) {
            join(member, "lobby");
        }
        var sent = new java.util.concurrent.atomic.AtomicInteger();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sender = new Thread(() -> {
            try {
                // 15 a second: inside the default rate limit.
                while (!stop.get()) {
                    alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"t" + sent.incrementAndGet() + "\"}");
                    Thread.sleep(66);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        Thread.sleep(600);
        disturbance.apply();
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> nodes.stream().allMatch(node -> node.backplane().isInCluster()));
        Thread.sleep(600);
        stop.set(true);
        sender.join();
        int total = sent.get();

        // Alice's own node shows every message; the other node shows each one or counts it as missed.
        Duration settle = Duration.ofSeconds(30);
        Awaitility.await().atMost(settle).until(() -> ann.received(Message.class).size() >= total);
        Awaitility.await().atMost(settle).until(() -> bob.received(Message.class).size()
                + bob.received(ServerEvent.Missed.class).stream().mapToInt(ServerEvent.Missed::count).sum() >= total);
        alice.sync();
        ann.sync();
        bob.sync();
        assertThat(ann.received(ServerEvent.Missed.class)).isEmpty();
        assertThat(bob.received(Message.class).size()
                + bob.received(ServerEvent.Missed.class).stream().mapToInt(ServerEvent.Missed::count).sum()).isEqualTo(total);
        for (WireClient member : List.of(alice, ann, bob)) {
            List<Message> got = member.received(Message.class);
            assertThat(got).extracting(m -> Long.parseLong(m.id())).doesNotHaveDuplicates().isSorted();
            assertThat(got).extracting(Message::text).doesNotHaveDuplicates().isSubsetOf(
                    java.util.stream.IntStream.rangeClosed(1, total).mapToObj(i -> "t" + i).toList());
        }
        assertThat(ann.received(Message.class)).extracting(Message::text)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, total).mapToObj(i -> "t" + i).toList());
    }

    @Test
    void afterRedisRestartsEmptyANodeThatDiesStillLeavesNoGhosts() throws Exception {
        var old = as(nodes.get(0), "old");
        var bob = as(nodes.get(1), "bob");
        join(old, "lobby");
        join(bob, "lobby");

        redis.stop();
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> !nodes.get(0).backplane().isInCluster());
        redis = startRedisOn(redisPort);
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> nodes.stream().allMatch(node -> node.backplane().isInCluster()));
        var late = as(nodes.get(0), "late");
        join(late, "lobby");
        var guest = track(WireClient.connect(nodes.get(0).port()));
        String guestNick = guest.await(ServerEvent.Welcome.class).nick();
        join(guest, "lobby");
        bob.await(Presence.class, p -> p.nick().equals(guestNick) && p.event().equals("join"));

        Node killed = nodes.remove(0);
        killed.store().abandon();
        killed.server().stop();
        killed.chat().close();

        for (String nick : List.of("old", "late", guestNick)) {
            bob.await(Presence.class, p -> p.nick().equals(nick) && p.event().equals("leave"));
        }
        try (var newcomer = WireClient.connect(nodes.get(0).port())) {
            newcomer.await(ServerEvent.Welcome.class);
            // The nickname's lease runs out about when the seats are swept: ask until it is free.
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> {
                String ref = "n" + System.nanoTime();
                newcomer.send("{\"type\":\"nick\",\"nick\":\"late\",\"ref\":\"" + ref + "\"}");
                ServerEvent answer = newcomer.await(ServerEvent.class, event -> event instanceof ServerEvent.Ok ok
                        && ref.equals(ok.ref()) || event instanceof ServerEvent.Error error && ref.equals(error.ref()));
                return answer instanceof ServerEvent.Ok;
            });
            assertThat(join(newcomer, "lobby").members()).containsExactly("bob", "late");
        }
    }

    @Test
    void concurrentJoinsAndSaysOnTwoNodesReachEveryMemberInOneOrder() throws Exception {
        List<WireClient> members = new ArrayList<>();
        ExecutorService joiners = Executors.newFixedThreadPool(8);
        List<Future<WireClient>> joining = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Node node = nodes.get(i % 2);
            int number = i;
            joining.add(joiners.submit(() -> {
                WireClient member = as(node, "m" + number);
                join(member, "busy");
                for (int m = 0; m < 10; m++) {
                    member.send("{\"type\":\"say\",\"room\":\"busy\",\"text\":\"" + number + ":" + m + "\"}");
                }
                return member;
            }));
        }
        for (Future<WireClient> member : joining) {
            members.add(member.get());
        }
        joiners.shutdown();

        for (WireClient member : members) {
            Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> assertThat(lastId(member))
                    .as("%s", member.received()).isEqualTo(80));
            List<Long> ids = new ArrayList<>();
            for (Joined joined : member.received(Joined.class)) {
                joined.history().forEach(message -> ids.add(Long.parseLong(message.id())));
            }
            member.received(Message.class).forEach(message -> ids.add(Long.parseLong(message.id())));
            assertThat(ids).as("history then live messages, each once, in id order").isSorted().doesNotHaveDuplicates();
            assertThat(ids.get(ids.size() - 1)).isEqualTo(80L);
            assertThat(ids).containsAll(ids.isEmpty() ? List.of() : java.util.stream.LongStream
                    .rangeClosed(ids.get(0), 80).boxed().toList());
        }
    }

    private static long lastId(WireClient member) {
        List<Message> live = member.received(Message.class);
        return live.isEmpty() ? 0 : Long.parseLong(live.get(live.size() - 1).id());
    }

    @Test
    void aKilledNodesUsersLeaveAndTheirNicknamesFreeUpWithinTheLease() throws Exception {
        var alice = as(nodes.get(0), "alice");
        var bob = as(nodes.get(1), "bob");
        join(alice, "lobby");
        join(bob, "lobby");

        Node killed = nodes.remove(0);
        killed.store().abandon();
        killed.server().stop();
        killed.chat().close();

        long stoppedAt = System.nanoTime();
        bob.await(Presence.class, p -> p.nick().equals("alice") && p.event().equals("leave"));
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(LEASE.multipliedBy(3));
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            try (var newcomer = WireClient.connect(nodes.get(0).port())) {
                newcomer.await(ServerEvent.Welcome.class);
                newcomer.send("{\"type\":\"nick\",\"nick\":\"alice\",\"ref\":\"n\"}");
                newcomer.await(ServerEvent.Ok.class, ok -> "n".equals(ok.ref()));
            }
        });
    }

    @Test
    void theHealthPageSaysWhetherTheNodeReachesTheCluster() throws Exception {
        var http = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.get(0).port() + "/health")).build();
        HttpResponse<String> up = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"mode\":\"cluster\"", "\"clusterReachable\":true");

        redis.stop();
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> !nodes.get(0).backplane().isInCluster());
        HttpResponse<String> down = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"clusterReachable\":false");
    }

    @Test
    void eventsBeyondTheQueueAreDroppedNotPiledUp() throws Exception {
        var sender = new RedisClusterStore(redisUri(), Duration.ofMillis(500), 10);
        var slow = new RedisClusterStore(redisUri(), Duration.ofMillis(500), 1);
        var release = new CountDownLatch(1);
        var handled = new java.util.concurrent.atomic.AtomicInteger();
        try {
            slow.start(event -> {
                handled.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 10; i++) {
                sender.publish(new ClusterEvent.RoomEvent("elsewhere", "lobby", "{}"));
            }
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> handled.get() == 1);
            Thread.sleep(200);
            release.countDown();
            Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> handled.get() == 2);
            Thread.sleep(200);
            // One was being handled, one waited in the queue of one; the other eight were dropped.
            assertThat(handled.get()).isEqualTo(2);
        } finally {
            release.countDown();
            sender.stop();
            slow.stop();
        }
    }

    @Test
    void aNodeWithATinyEventQueueStillShowsEveryRoomMessageInOrder() throws Exception {
        Node tiny = startNode(1);
        nodes.add(tiny);
        var sender = as(nodes.get(0), "sender");
        var listener = as(tiny, "listener");
        join(sender, "lobby");
        join(listener, "lobby");

        // 30: well inside a connection's burst of 40 under the default rate limit (nick and join took two).
        for (int i = 1; i <= 30; i++) {
            sender.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"m" + i + "\"}");
        }

        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> listener.received(Message.class).size() >= 30);
        listener.sync();
        assertThat(listener.received(Message.class)).extracting(Message::text)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).toList());
        assertThat(listener.received(ServerEvent.Missed.class)).isEmpty();
    }

    private WireClient as(Node node, String nick) throws Exception {
        return track(WireClient.connectAs(node.port(), nick));
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private static Joined join(WireClient client, String room) throws Exception {
        String ref = "join-" + room + "-" + System.nanoTime();
        client.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
        List<Joined> joins = client.received(Joined.class);
        return joins.get(joins.size() - 1);
    }

    private static void say(WireClient client, String room, String text) throws Exception {
        String ref = "say-" + System.nanoTime();
        client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }
}
