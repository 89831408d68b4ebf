package parley.server;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;

/** A real Redis for cluster tests: the {@code redis-server} binary that embedded-redis carries, on a free port. */
final class TestRedis {
    private TestRedis() {
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static RedisServer startOn(int port) {
        try {
            RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            return server;
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("The cluster tests need a real Redis and none could be started on port " + port
                    + " (embedded-redis runs its bundled redis-server binary): " + e, e);
        }
    }

    /** One started cluster node's chat on the Redis at this port (lease 2 s, Redis timeout 0.5 s). */
    static parley.server.chat.ChatService node(int port) {
        var codec = new parley.protocol.EventCodec();
        var store = new parley.server.cluster.RedisClusterStore("redis://127.0.0.1:" + port,
                java.time.Duration.ofMillis(500), 100_000);
        var limits = parley.server.chat.ChatLimits.defaults();
        var chat = new parley.server.chat.ChatService(codec, limits, java.time.Clock.systemUTC(),
                parley.server.cluster.ClusterBackplane.withOwnThreads(codec, limits, store, java.time.Duration.ofSeconds(2)));
        chat.start();
        return chat;
    }

    static void flush(int port) {
        try (var client = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port); var flush = client.connect()) {
            flush.sync().flushall();
        }
    }
}
