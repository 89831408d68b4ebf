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

    static void flush(int port) {
        try (var client = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + port); var flush = client.connect()) {
            flush.sync().flushall();
        }
    }
}
