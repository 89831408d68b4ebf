package parley.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.Room;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps this node's part of the shared state alive and whole, on a thread of its own that may wait for the store:
 * it renews the node's lease with its users' nicknames and sessions; when the store has lost this node (first
 * contact, a store restarted empty, a lease run out while cut off) or the node was out of reach, it puts back
 * everything the node holds — seats, guest counter, room counters — before the node counts as in the cluster again;
 * it frees the seats of nodes that stopped renewing; and it fetches room messages the event bus lost.
 */
final class Leases {
    private static final Logger log = LoggerFactory.getLogger(Leases.class);
    /** The origin of the leaves a sweep publishes: every node hears them, its own included. */
    static final String SWEEP = "sweep";
    /** How often a node out of the cluster tries to get back in. */
    private static final long RETRY_MILLIS = 500;
    /** Syncs of this node's seats in a row while joins and leaves keep racing with them; the next renewal goes on. */
    private static final int MAX_SYNCS = 5;

    private final ClusterStore store;
    private final Reachability reach;
    private final RoomSequencer sequencer;
    private final SharedControl controls;
    /** Nodes registered in the cluster at the last renewal, for operators. */
    private volatile long liveNodes;
    private final GuestNumbers guests;
    private final EventCodec codec;
    private final Supplier<NodeState> state;
    /** Counts changes to this node's seats: a sync that raced with one is done again. */
    private final LongSupplier seatChanges;
    private final long leaseMillis;
    private final long sessionTtlMillis;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-cluster-leases");
        thread.setDaemon(true);
        return thread;
    });

    /** What this node holds, as the store should know it. */
    record NodeState(List<ClusterStore.UserLease> users, List<ClusterStore.Seat> seats, List<Room> rooms) {
    }

    Leases(ClusterStore store, Reachability reach, RoomSequencer sequencer, GuestNumbers guests, SharedControl controls,
           EventCodec codec, Supplier<NodeState> state, LongSupplier seatChanges, long leaseMillis, long sessionTtlMillis) {
        this.store = store;
        this.controls = controls;
        this.reach = reach;
        this.sequencer = sequencer;
        this.guests = guests;
        this.codec = codec;
        this.state = state;
        this.seatChanges = seatChanges;
        this.leaseMillis = leaseMillis;
        this.sessionTtlMillis = sessionTtlMillis;
    }

    /** Renews once now (the caller waits for it), then keeps renewing every third of the lease. */
    void start() {
        tick();
        ticker.schedule(this::tickAndReschedule, nextDelay(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        ticker.shutdownNow();
    }

    private void tickAndReschedule() {
        try {
            tick();
        } finally {
            if (!ticker.isShutdown()) {
                ticker.schedule(this::tickAndReschedule, nextDelay(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private long nextDelay() {
        return reach.isInCluster() ? Math.max(100, leaseMillis / 3) : RETRY_MILLIS;
    }

    void tick() {
        NodeState now = state.get();
        try {
            boolean lost = await(store.renew(now.users(), leaseMillis, sessionTtlMillis));
            if (lost || !reach.isInCluster()) {
                putBack(lost);
                reach.joined(store.nodeId(), now.users().size());
            }
            for (ClusterStore.SeatChange gone : await(store.sweepDeadNodes())) {
                log.info("{} left {}: their server stopped renewing its lease", gone.nick(), gone.roomName());
                store.publish(new ClusterEvent.RoomEvent(SWEEP, gone.roomKey(), presence(gone, ServerEvent.Presence.LEAVE)));
            }
            liveNodes = await(store.liveNodes());
            catchUp();
        } catch (RuntimeException e) {
            if (!reach.failed(e)) {
                log.error("Cluster lease renewal failed", e);
            }
        }
    }

    /**
     * Puts this node's state back in the store: seats, the guest counter, each room's counter and control. A seat that
     * changed while the sync ran (a join or leave racing with it) would be put back wrong, so the sync then runs
     * again on a fresh look at the node.
     */
    private void putBack(boolean storeLostIt) {
        NodeState now;
        for (int attempt = 1; ; attempt++) {
            long changesBefore = seatChanges.getAsLong();
            now = state.get();
            ClusterStore.SyncResult result = await(store.syncSeats(now.seats()));
            result.removed().forEach(change -> store.publish(new ClusterEvent.RoomEvent(store.nodeId(), change.roomKey(),
                    presence(change, ServerEvent.Presence.LEAVE))));
            result.added().forEach(change -> store.publish(new ClusterEvent.RoomEvent(store.nodeId(), change.roomKey(),
                    presence(change, ServerEvent.Presence.JOIN))));
            if (seatChanges.getAsLong() == changesBefore || attempt == MAX_SYNCS) {
                break;
            }
        }
        await(store.raiseGuestNumbers(guests.highest()));
        controls.putBack(now.rooms());
        if (storeLostIt) {
            guests.discard();
        }
        now.rooms().forEach(sequencer::rejoin);
    }

    long liveNodes() {
        return liveNodes;
    }

    /** Fetches room messages that the event bus lost (a dropped subscription, a full event queue). */
    private void catchUp() {
        List<Room> rooms = sequencer.syncedRooms();
        List<String> keys = new ArrayList<>(rooms.size());
        rooms.forEach(room -> keys.add(room.key()));
        List<Long> lastIds = await(store.lastIds(keys));
        for (int i = 0; i < rooms.size(); i++) {
            sequencer.catchUp(rooms.get(i), lastIds.get(i));
        }
    }

    private String presence(ClusterStore.SeatChange change, String kind) {
        return codec.encode(new ServerEvent.Presence(change.roomName(), change.nick(), kind));
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
