package parley.server.cluster;

import parley.protocol.EventCodec;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Cluster nodes on a {@link MemoryClusterStore}, started, for tests without Redis. */
public final class TestNodes {
    private static final Duration LEASE = Duration.ofSeconds(3);

    private TestNodes() {
    }

    /** A node whose store answers run the chat's work on the answering thread, so that a quick store answers at once. */
    public static ChatService node(EventCodec codec, ChatLimits limits, Clock clock, MemoryClusterStore store) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "test-node-timer");
            thread.setDaemon(true);
            return thread;
        });
        var chat = new ChatService(codec, limits, clock,
                new ClusterBackplane(codec, limits, store, LEASE, Runnable::run, Runnable::run, timer));
        chat.start();
        return chat;
    }
}
