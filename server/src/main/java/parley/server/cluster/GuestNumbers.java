package parley.server.cluster;

import parley.server.chat.Names;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Guest nicknames without a round trip to the store: numbers come in blocks taken from the cluster's counter ahead
 * of need. When no block is at hand (the store is out of reach), the name carries this node's id instead, which no
 * other node gives out. Guest names cannot be chosen, so a number is never claimed twice.
 */
final class GuestNumbers {
    static final int BLOCK = 100;

    private final ClusterStore store;
    private final String node;
    private final AtomicLong local = new AtomicLong();
    /** Guarded by this monitor. */
    private long next;
    private long last = -1;
    private long spare = -1;
    private boolean fetching;
    private volatile long highest;

    GuestNumbers(ClusterStore store) {
        this.store = store;
        this.node = store.nodeId();
    }

    String nextNick() {
        long number = take();
        return number < 0 ? Names.GUEST_PREFIX + node + "-" + local.incrementAndGet() : Names.GUEST_PREFIX + number;
    }

    /** The highest number handed out here: the counter must stay above it after the store lost its data. */
    long highest() {
        return highest;
    }

    /** Asks for a block of numbers now, ahead of the first guest; completes when it is at hand (or not to be had). */
    synchronized java.util.concurrent.CompletableFuture<Void> prefetch() {
        fetching = true;
        return store.takeGuestNumbers(BLOCK).<Void>handle((end, failure) -> {
            arrived(failure == null ? end : -1);
            return null;
        }).toCompletableFuture();
    }

    private synchronized long take() {
        if (next > last && spare > 0) {
            next = spare - BLOCK + 1;
            last = spare;
            spare = -1;
        }
        long number = next <= last ? next++ : -1;
        if (spare < 0 && !fetching && last - next < BLOCK / 2) {
            fetching = true;
            store.takeGuestNumbers(BLOCK).whenComplete((end, failure) -> arrived(failure == null ? end : -1));
        }
        if (number > highest) {
            highest = number;
        }
        return number;
    }

    private synchronized void arrived(long blockEnd) {
        fetching = false;
        spare = blockEnd;
    }

    /** Forgets the blocks at hand: they came from a counter the store has lost. */
    synchronized void discard() {
        next = 0;
        last = -1;
        spare = -1;
    }
}
