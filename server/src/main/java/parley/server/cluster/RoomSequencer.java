package parley.server.cluster;

import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatUser;
import parley.server.chat.EncodedEvent;
import parley.server.chat.Room;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows each room's messages here in the cluster's order. The store numbers every message; they reach this node
 * in any order (its own as the store answers, the others' over the event bus) and wait until every lower id has
 * been shown or is known to be lost; a gap that does not fill by itself is fetched from the store's history. While
 * the store is out of reach, messages said here are shown at once under this node's next ids; the cluster skips
 * those ids once it is back, and the members here are told how many messages of other nodes they missed.
 *
 * <p>Every room's state is guarded by the room's monitor; no store call and no completion of a sender's stage
 * happens holding it.
 */
final class RoomSequencer {
    /** Ids missing beyond this many in one catch-up are counted, not looked up one by one. */
    static final long MAX_LOOKUP_GAP = 100_000;
    /** How long a gap may stay open before its messages are fetched: the event bus usually fills it sooner. */
    static final long GAP_PATIENCE_MILLIS = 200;
    private static final String ID_MARK = "~id~";
    /** Own messages shown here alone whose store call may still land, kept per room. */
    private static final int MAX_ALONE_REMEMBERED = 10_000;

    private final EventCodec codec;
    private final ClusterStore store;
    private final Reachability reach;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final String node;
    private final int keep;
    private final AtomicLong serials = new AtomicLong();
    private final Map<Room, Order> orders = new ConcurrentHashMap<>();

    /** One room's place in the cluster's numbering. */
    private static final class Order {
        /** The last cluster id taken in order, shown or counted as missed; -1 until known. */
        long lastClusterId = -1;
        /** Messages that arrived ahead of their turn; a null value is an id that can no longer be had. */
        final TreeMap<Long, Arrival> waiting = new TreeMap<>();
        final Set<Long> shownAlone = new HashSet<>();
        final List<Waiter> waiters = new ArrayList<>();
        /** This node's latest post to the room, handled once every earlier one has been. */
        CompletableFuture<?> posting = CompletableFuture.completedFuture(null);
        boolean catchUpScheduled;

        boolean isSynced() {
            return lastClusterId >= 0;
        }
    }

    /** A numbered message; {@code message} is decoded from {@code json} when first needed. */
    private record Arrival(String json, ServerEvent.Message message, String origin, long serial) {
    }

    private record Waiter(long id, String messageId, CompletableFuture<String> shown) {
    }

    RoomSequencer(EventCodec codec, ClusterStore store, Reachability reach, Executor executor,
                  ScheduledExecutorService timer, int keep) {
        this.codec = codec;
        this.store = store;
        this.reach = reach;
        this.executor = executor;
        this.timer = timer;
        this.node = store.nodeId();
        this.keep = keep;
    }

    /** Call holding the room's monitor: whether the room's place in the numbering is known. */
    boolean isSynced(Room room) {
        return order(room).isSynced();
    }

    /** Call holding the room's monitor; a closed room gets a state that is not kept, so that none piles up. */
    private Order order(Room room) {
        Order order = orders.get(room);
        if (order == null) {
            order = new Order();
            if (!room.isClosed()) {
                Order raced = orders.putIfAbsent(room, order);
                order = raced != null ? raced : order;
            }
        }
        return order;
    }

    /** The room closed here: its senders get their answers, and its state goes. */
    void forget(Room room) {
        Order order = orders.remove(room);
        if (order != null) {
            List<Waiter> waiters;
            synchronized (room) {
                waiters = List.copyOf(order.waiters);
                order.waiters.clear();
            }
            waiters.forEach(waiter -> waiter.shown().complete(waiter.messageId()));
        }
    }

    /** The rooms whose numbering is known, for the periodic check that no message was lost on the way. */
    List<Room> syncedRooms() {
        List<Room> synced = new ArrayList<>();
        orders.forEach((room, order) -> {
            synchronized (room) {
                if (order.isSynced()) {
                    synced.add(room);
                }
            }
        });
        return synced;
    }

    /** A room just entered: where its numbering stands and its newest messages, from the store. */
    void seed(Room room, ClusterStore.Entry entry) {
        List<Runnable> after;
        synchronized (room) {
            Order order = order(room);
            if (order.isSynced()) {
                return;
            }
            if (room.lastId() == 0) {
                room.seed(entry.lastId(), entry.recent().stream().map(ClusterStore.StoredMessage::message).toList());
            }
            order.lastClusterId = Math.max(entry.lastId(), room.lastId());
            room.skipTo(order.lastClusterId);
            order.waiting.headMap(order.lastClusterId, true).clear();
            after = drain(room, order);
        }
        after.forEach(Runnable::run);
    }

    /**
     * Numbers a message in the store and shows it here in its turn; completes with its id once shown. A room's
     * messages from this node are handled in the order they were posted, whether the store numbers them or the
     * node shows them alone (out of reach): one sender's messages never overtake each other.
     */
    CompletionStage<String> post(Room room, ChatUser user, String text, String kind, long timestamp) {
        Draft draft = draft(room.name(), user.nick(), text, kind, timestamp);
        CompletableFuture<String> shown = new CompletableFuture<>();
        CompletableFuture<?> before;
        synchronized (room) {
            Order order = order(room);
            before = order.posting.handle((done, failure) -> null);
            if (reach.isInCluster() && order.isSynced()) {
                // Sent holding the monitor, so that the store numbers this node's messages of the room in the
                // order they were posted; the client only queues the command for its own thread.
                order.posting = send(room, draft, before, shown);
                return shown;
            }
            order.posting = shown;
        }
        // Out of the monitor: showing may answer the sender, who may go on with its next request at once.
        before.thenRun(() -> showAlone(room, draft, false, shown));
        return shown;
    }

    /** Call holding the room's monitor: sends the message to the store; its answer is handled after {@code before}. */
    private CompletableFuture<?> send(Room room, Draft draft, CompletableFuture<?> before, CompletableFuture<String> shown) {
        var post = new ClusterStore.Post(room.key(), node, draft.serial(), draft.nick(), draft.text(), draft.kind(),
                draft.timestamp(), draft.jsonHead(), draft.jsonTail());
        CompletableFuture<Object> answer = store.append(post, keep, room.lastId()).toCompletableFuture()
                .handle((id, failure) -> failure == null ? id : failure);
        return before.thenCombineAsync(answer, (ignored, idOrFailure) -> {
            if (idOrFailure instanceof Long id) {
                takeTurn(room, draft, id, shown);
            } else if (reach.failed((Throwable) idOrFailure)) {
                showAlone(room, draft, true, shown);
            } else {
                shown.completeExceptionally((Throwable) idOrFailure);
            }
            return null;
        }, executor);
    }

    /** A message to post: its event encoded around the id to come, and the serial this node gave it. */
    private record Draft(String room, String nick, String text, String kind, long timestamp, long serial,
                         String jsonHead, String jsonTail) {
    }

    private Draft draft(String room, String nick, String text, String kind, long timestamp) {
        String json = codec.encode(new ServerEvent.Message(ID_MARK, room, nick, text, timestamp, kind));
        int mark = json.indexOf(ID_MARK);
        return new Draft(room, nick, text, kind, timestamp, serials.incrementAndGet(), json.substring(0, mark),
                json.substring(mark + ID_MARK.length()));
    }

    /** The store numbered a message of this node's: it is shown in its turn, and then its sender answered. */
    private void takeTurn(Room room, Draft draft, long id, CompletableFuture<String> shown) {
        var message = new ServerEvent.Message(Long.toString(id), draft.room(), draft.nick(), draft.text(),
                draft.timestamp(), draft.kind());
        List<Runnable> after;
        synchronized (room) {
            Order order = order(room);
            order.waiters.add(new Waiter(id, message.id(), shown));
            after = arrive(room, order, id, new Arrival(draft.jsonHead() + id + draft.jsonTail(), message, node,
                    draft.serial()));
        }
        after.forEach(Runnable::run);
    }

    /**
     * Shows a message here at once, under this node's next id for the room. {@code mayLand}: its store call failed
     * but may still land, and the serial will tell this node's own message apart then.
     */
    private void showAlone(Room room, Draft draft, boolean mayLand, CompletableFuture<String> shown) {
        String id;
        synchronized (room) {
            Order order = order(room);
            var message = new ServerEvent.Message(Long.toString(room.lastId() + 1), draft.room(), draft.nick(),
                    draft.text(), draft.timestamp(), draft.kind());
            // The draft is encoded already: only the id goes in.
            room.show(message, new EncodedEvent(draft.jsonHead() + message.id() + draft.jsonTail()));
            if (mayLand) {
                if (order.shownAlone.size() >= MAX_ALONE_REMEMBERED) {
                    order.shownAlone.clear();
                }
                order.shownAlone.add(draft.serial());
            }
            id = message.id();
        }
        shown.complete(id);
    }

    /** A message from the event bus. */
    void received(Room room, ClusterEvent.RoomMessage event) {
        List<Runnable> after;
        synchronized (room) {
            after = arrive(room, order(room), event.id(), new Arrival(event.json(), null, event.origin(), event.serial()));
        }
        after.forEach(Runnable::run);
    }

    /** Call holding the room's monitor. */
    private List<Runnable> arrive(Room room, Order order, long id, Arrival arrival) {
        if (order.isSynced() && id <= order.lastClusterId) {
            return answerSenders(order); // it came over the event bus before the store answered its sender
        }
        order.waiting.merge(id, arrival, (known, again) -> known != null ? known : again);
        return order.isSynced() ? drain(room, order) : List.of();
    }

    /**
     * Call holding the room's monitor: shows the waiting messages that are next in line; returns what to do once
     * the monitor is released (senders' stages to complete).
     */
    private List<Runnable> drain(Room room, Order order) {
        int missed = 0;
        while (!order.waiting.isEmpty() && order.waiting.firstKey() <= order.lastClusterId + 1) {
            Map.Entry<Long, Arrival> next = order.waiting.pollFirstEntry();
            long id = next.getKey();
            if (id <= order.lastClusterId) {
                continue;
            }
            order.lastClusterId = id;
            Arrival arrival = next.getValue();
            if (arrival != null && node.equals(arrival.origin()) && order.shownAlone.remove(arrival.serial())) {
                continue; // this node's own message, which its members saw while the store was out of reach
            }
            if (arrival != null && id > room.lastId()) {
                missed = announceMissed(room, missed);
                room.show(message(arrival), new EncodedEvent(arrival.json()));
            } else if (arrival != null || id > room.lastId()) {
                // Another node's message under an id shown here while the store was out of reach, or a message
                // the store no longer has: the members here will not see it.
                room.skipTo(id);
                missed++;
            }
            // Else an id this node gave out itself while cut off: its members saw that message.
        }
        announceMissed(room, missed);
        if (!order.waiting.isEmpty()) {
            scheduleCatchUp(room, order);
        }
        return answerSenders(order);
    }

    /** Call holding the room's monitor: the stages of senders whose messages have had their turn, to complete. */
    private List<Runnable> answerSenders(Order order) {
        List<Runnable> after = new ArrayList<>();
        for (Iterator<Waiter> waiters = order.waiters.iterator(); waiters.hasNext(); ) {
            Waiter waiter = waiters.next();
            if (waiter.id() <= order.lastClusterId) {
                waiters.remove();
                after.add(() -> waiter.shown().complete(waiter.messageId()));
            }
        }
        return after;
    }

    private int announceMissed(Room room, int missed) {
        if (missed > 0) {
            room.sendToListening(new EncodedEvent(codec.encode(new ServerEvent.Missed(room.name(), missed))), null);
        }
        return 0;
    }

    private ServerEvent.Message message(Arrival arrival) {
        if (arrival.message() != null) {
            return arrival.message();
        }
        try {
            return (ServerEvent.Message) codec.decodeServerEvent(arrival.json());
        } catch (ProtocolException | ClassCastException e) {
            throw new IllegalStateException("a node published an unreadable room message: " + arrival.json(), e);
        }
    }

    /** Call holding the room's monitor: the gap is fetched soon unless the event bus fills it first. */
    private void scheduleCatchUp(Room room, Order order) {
        if (order.catchUpScheduled) {
            return;
        }
        order.catchUpScheduled = true;
        timer.schedule(() -> {
            long upTo;
            synchronized (room) {
                order.catchUpScheduled = false;
                if (order.waiting.isEmpty()) {
                    return;
                }
                upTo = order.waiting.firstKey() - 1;
            }
            catchUp(room, upTo);
        }, GAP_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Fetches the messages up to {@code upTo} that never arrived and shows them; what the store does not have (or
     * cannot give now) is counted as missed.
     */
    void catchUp(Room room, long upTo) {
        long from;
        List<Runnable> skipped = List.of();
        synchronized (room) {
            Order order = order(room);
            if (!order.isSynced() || upTo <= order.lastClusterId) {
                return;
            }
            from = order.lastClusterId + 1;
            if (upTo - from > MAX_LOOKUP_GAP) {
                from = upTo - MAX_LOOKUP_GAP;
                long lost = from - order.lastClusterId - 1 - Math.max(0, Math.min(room.lastId(), from - 1) - order.lastClusterId);
                order.lastClusterId = from - 1;
                order.waiting.headMap(from).clear();
                room.skipTo(from - 1);
                announceMissed(room, (int) Math.min(Integer.MAX_VALUE, lost));
                skipped = drain(room, order);
            }
        }
        skipped.forEach(Runnable::run);
        long first = from;
        store.history(room.key(), room.name(), first, upTo, Integer.MAX_VALUE).whenCompleteAsync((stored, failure) -> {
            if (failure != null) {
                reach.failed(failure);
            }
            List<Runnable> after;
            synchronized (room) {
                Order order = order(room);
                if (stored != null) {
                    for (ClusterStore.StoredMessage message : stored) {
                        long id = Long.parseLong(message.message().id());
                        Arrival arrival = new Arrival(codec.encode(message.message()), message.message(),
                                message.origin(), message.serial());
                        order.waiting.merge(id, arrival, (known, again) -> known != null ? known : again);
                    }
                }
                for (long id = Math.max(first, order.lastClusterId + 1); id <= upTo; id++) {
                    order.waiting.putIfAbsent(id, null);
                }
                after = drain(room, order);
            }
            after.forEach(Runnable::run);
        }, executor);
    }

    /**
     * The store is back (or lost its data): the room's counter is raised past every id shown here, so the cluster
     * never reuses one, and what other nodes said meanwhile is fetched.
     */
    void rejoin(Room room) {
        long shown;
        synchronized (room) {
            shown = room.lastId();
        }
        store.raiseLastId(room.key(), shown).whenCompleteAsync((before, failure) -> {
            if (failure != null) {
                reach.failed(failure);
                return;
            }
            synchronized (room) {
                Order order = order(room);
                if (!order.isSynced()) {
                    // Opened here while cut off: the room starts where the cluster and this node both are.
                    order.lastClusterId = Math.max(before, room.lastId());
                    room.skipTo(order.lastClusterId);
                    order.waiting.headMap(order.lastClusterId, true).clear();
                }
            }
            catchUp(room, Math.max(before, shown));
        }, executor);
    }
}
