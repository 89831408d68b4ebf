package parley.server.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.CloseCodes;
import parley.server.chat.Chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The open connections and the one timer thread that pings them, cuts off stalled ones and lets dropped users
 * expire. Thread-safe.
 */
final class PeerRegistry {
    private static final Logger log = LoggerFactory.getLogger(PeerRegistry.class);
    private final Set<WebSocketPeer> peers = ConcurrentHashMap.newKeySet();
    /**
     * Set once the server turns clients away (a drain's 1012, a stop's 1001): a connection that was already on its
     * way in is closed with it at once.
     */
    private volatile TurnAway turningAway;
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "parley-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    PeerRegistry() {
        // Lingering closes schedule a cut per connection and usually outlive it: cancelled tasks must not pile up.
        timers.setRemoveOnCancelPolicy(true);
    }

    void add(WebSocketPeer peer) {
        peers.add(peer);
    }

    void remove(WebSocketPeer peer) {
        peers.remove(peer);
    }

    Set<WebSocketPeer> peers() {
        return peers;
    }

    /** A close code and reason every client of this server gets from now on. */
    record TurnAway(int code, String reason) {
    }

    /** How clients are turned away, or null while the server takes them in. */
    TurnAway turningAway() {
        return turningAway;
    }

    void turnAway(TurnAway how) {
        turningAway = how;
    }

    boolean isDraining() {
        TurnAway how = turningAway;
        return how != null && how.code() == CloseCodes.SERVICE_RESTART;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Starts the heartbeat: every tick, each peer is pinged or dropped as due, and expired users leave. */
    void startHeartbeat(Chat chat, TransportLimits limits) {
        long interval = limits.pingInterval().toMillis();
        long timeout = limits.pongTimeout().toMillis();
        long tick = interval > 0 ? Math.max(10, Math.min(1_000, Math.min(interval, timeout) / 4)) : 1_000;
        timers.scheduleWithFixedDelay(() -> {
            try {
                long now = System.currentTimeMillis();
                if (interval > 0) {
                    for (WebSocketPeer peer : peers) {
                        peer.heartbeat(now, interval, timeout);
                    }
                }
                chat.expireDroppedUsers();
            } catch (RuntimeException e) {
                // A failed tick must not end the heartbeat: the next tick tries again.
                log.error("Heartbeat tick failed", e);
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
    }

    void stop() {
        timers.shutdownNow();
    }
}
