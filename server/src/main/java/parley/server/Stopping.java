package parley.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.ChatService;
import parley.server.transport.WebSocketServer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the server stops, on SIGTERM or an administrator's drain, once. A server alone closes every connection
 * with 1001: its users leave. A server alone with a state file closes them with 1012 instead, waits until every
 * user is dropped, and saves its chat: after the restart its users resume. A cluster node drains: its clients are
 * closed with 1012 and come back at once, resuming, on other nodes; the node keeps renewing their sessions until
 * every user has moved (or the grace period is over), so that nobody sees them leave, and then stops.
 */
final class Stopping {
    private static final Logger log = LoggerFactory.getLogger(Stopping.class);
    /**
     * How long a server alone waits, at most, for its connections to close before it saves the chat. Each user is
     * dropped as the server closes its connection (the client's answer is not awaited), so this passes only if the
     * transport itself is stuck; a user still connected then is saved as dropped at that moment.
     */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ChatService chat;
    private final boolean inCluster;
    private final Duration grace;
    private final StateFile stateFile;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile WebSocketServer server;

    /** {@code stateFile}: where a server alone saves its chat, or null. */
    Stopping(ChatService chat, boolean inCluster, Duration grace, StateFile stateFile) {
        this.chat = chat;
        this.inCluster = inCluster;
        this.grace = grace;
        this.stateFile = stateFile;
    }

    void serving(WebSocketServer started) {
        this.server = started;
    }

    /** Stops once; a second call (SIGTERM during a drain) waits for the first. */
    void stop() {
        if (!started.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        if (inCluster) {
            log.info("Draining: clients reconnect to other nodes (close 1012); stopping once every user has moved");
            server.drain();
            long until = System.nanoTime() + grace.toNanos();
            while (usersHere() > 0 && System.nanoTime() < until) {
                sleep(100);
            }
            log.info("Drained: {} users still here", usersHere());
        } else if (stateFile != null) {
            log.info("Stopping: clients come back and resume after the restart (close 1012)");
            server.drain();
            // Each user is dropped as its connection closes; then nothing more can change the chat.
            long until = System.nanoTime() + CLOSE_WAIT.toNanos();
            while (chat.connectedUsers() > 0 && System.nanoTime() < until) {
                sleep(20);
            }
            stateFile.save(chat.save());
        } else {
            log.info("Stopping: closing connections with 1001 (going away)");
        }
        server.stop();
        chat.close();
        stopped.countDown();
    }

    /** An administrator's drain: stops, and then the process ends. */
    void stopAndExit() {
        Thread stopper = new Thread(() -> {
            stop();
            System.exit(0);
        }, "parley-drain");
        stopper.start();
    }

    void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int usersHere() {
        return chat.health().get("users") instanceof Number users ? users.intValue() : 0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
