package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.cluster.ClusterBackplane;
import parley.server.cluster.RedisClusterStore;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import redis.embedded.RedisInstance;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on a Redis primary with a replica, found through Sentinel ({@code redis-sentinel://}): when the primary
 * dies, Sentinel promotes the replica, and the nodes carry on with it.
 */
@Timeout(90)
class SentinelFailoverIntegrationTest {
    /** Longer than a failover takes, as in production: the nodes keep their seats through it. */
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration FAILOVER = Duration.ofSeconds(40);

    private final List<RedisInstance> redis = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        for (RedisInstance instance : redis) {
            if (instance.isActive()) {
                instance.stop();
            }
        }
    }

    @Test
    void theNodesCarryOnWithTheReplicaSentinelPromotes() throws Exception {
        int primaryPort = freePort();
        int replicaPort = freePort();
        int sentinelPort = freePort();
        RedisServer primary = start(RedisServer.newRedisServer().port(primaryPort).setting("bind 127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build());
        start(RedisServer.newRedisServer().port(replicaPort).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").setting("replicaof 127.0.0.1 " + primaryPort).build());
        start(RedisSentinel.newRedisSentinel().bind("127.0.0.1").port(sentinelPort).masterPort(primaryPort)
                .masterName("parley").quorumSize(1).downAfterMilliseconds(1000).failOverTimeout(3000).build());
        String uri = "redis-sentinel://127.0.0.1:" + sentinelPort + "#parley";
        int[] ports = {startNode(uri), startNode(uri)};
        var alice = track(WireClient.connectAs(ports[0], "alice"));
        var bob = track(WireClient.connectAs(ports[1], "bob"));
        join(alice);
        join(bob);
        alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"before\"}");
        bob.await(ServerEvent.Message.class, message -> message.text().equals("before"));

        primary.stop();

        // Said while the nodes are cut off, a message stays on its node; once the replica is the primary, it goes across.
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        boolean across = false;
        while (!across && System.nanoTime() < deadline) {
            String text = "after " + System.nanoTime();
            alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"" + text + "\"}");
            Thread.sleep(500);
            across = bob.received(ServerEvent.Message.class).stream().anyMatch(message -> message.text().equals(text));
        }
        assertThat(across).as("a message crossed to the other node after the failover").isTrue();
        bob.send("{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"still there\",\"ref\":\"w\"}");
        bob.await(ServerEvent.Ok.class, ok -> "w".equals(ok.ref()));
        assertThat(alice.await(ServerEvent.WhisperMessage.class).text()).isEqualTo("still there");
    }

    private <R extends RedisInstance> R start(R instance) throws IOException {
        instance.start();
        redis.add(instance);
        return instance;
    }

    private int startNode(String uri) throws IOException {
        var codec = new EventCodec();
        var store = new RedisClusterStore(uri, Duration.ofMillis(500), 100_000);
        var chat = new ChatService(codec, ChatLimits.defaults(), Clock.systemUTC(),
                ClusterBackplane.withOwnThreads(codec, ChatLimits.defaults(), store, LEASE));
        chat.start();
        closing.add(chat);
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults());
        closing.add(server::stop);
        return server.port();
    }

    private WireClient track(WireClient client) {
        closing.add(client::close);
        return client;
    }

    private static void join(WireClient client) throws Exception {
        client.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        client.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
