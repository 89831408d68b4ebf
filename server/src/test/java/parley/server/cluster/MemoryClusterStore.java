package parley.server.cluster;

import parley.protocol.ServerEvent;
import parley.server.chat.Backplane;
import parley.server.chat.ClusterUnavailable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link ClusterStore} in memory, for tests: one {@link Shared} state for every node of a test cluster, each node
 * its own view. Answers come at once, or {@link #delay} later on a timer thread, or not at all: while
 * {@link #unreachable} is set every call fails as if Redis could not be reached. Events reach every node's listener
 * on the publisher's thread, in order.
 */
public final class MemoryClusterStore implements ClusterStore {
    private static final AtomicInteger NODE_NUMBERS = new AtomicInteger();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "memory-store-timer");
        thread.setDaemon(true);
        return thread;
    });

    /** The state every node of one test cluster shares. */
    public static final class Shared {
        private final Map<String, Long> nodeLeases = new HashMap<>();
        private final Set<String> nodes = new java.util.HashSet<>();
        private final Map<String, Set<String>> seatsByNode = new HashMap<>();
        private final Map<String, String> nicks = new HashMap<>();
        private final Map<String, String> roomNames = new HashMap<>();
        private final Map<String, Map<String, String>> members = new HashMap<>();
        private final Map<String, Long> counters = new HashMap<>();
        private final Map<String, TreeMap<Long, StoredMessage>> history = new HashMap<>();
        private final Map<String, Backplane.Session> sessions = new HashMap<>();
        private final Map<String, StoredControl> controls = new HashMap<>();
        private final Map<String, String> profiles = new HashMap<>();
        private final Map<String, String> away = new HashMap<>();
        private final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();
        private long guests;

        /** Forgets everything, as a Redis restarted empty. */
        public synchronized void wipe() {
            nodeLeases.clear();
            nodes.clear();
            seatsByNode.clear();
            nicks.clear();
            roomNames.clear();
            members.clear();
            counters.clear();
            history.clear();
            sessions.clear();
            controls.clear();
            profiles.clear();
            away.clear();
            guests = 0;
        }

        public synchronized Map<String, String> membersOf(String roomKey) {
            return Map.copyOf(members.getOrDefault(roomKey, Map.of()));
        }

        public synchronized String nickValue(String nickKey) {
            return nicks.get(nickKey);
        }
    }

    private final Shared shared;
    private final String nodeId = "n" + NODE_NUMBERS.incrementAndGet();
    private volatile long delayMillis;
    private volatile boolean unreachable;
    private volatile Consumer<ClusterEvent> listener;

    public MemoryClusterStore(Shared shared) {
        this.shared = shared;
    }

    public MemoryClusterStore() {
        this(new Shared());
    }

    public Shared shared() {
        return shared;
    }

    /** Every answer comes this much later from now on. */
    public void delay(long millis) {
        delayMillis = millis;
    }

    /** Every call fails as if the store could not be reached, until set back. */
    public void unreachable(boolean cut) {
        unreachable = cut;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(Consumer<ClusterEvent> onEvent) {
        listener = onEvent;
        shared.listeners.add(event -> {
            boolean own = event instanceof ClusterEvent.RoomMessage message && message.origin().equals(nodeId);
            if (!unreachable && !own) {
                onEvent.accept(event);
            }
        });
    }

    @Override
    public void stop() {
        synchronized (shared) {
            shared.nodeLeases.remove(nodeId);
        }
    }

    private <T> CompletionStage<T> answer(Supplier<T> work) {
        return answer(work, List.of());
    }

    /** Runs the work on the shared state, then publishes the events it made (outside the state's lock). */
    private <T> CompletionStage<T> answer(Supplier<T> work, List<ClusterEvent> events) {
        if (unreachable) {
            return CompletableFuture.failedFuture(new ClusterUnavailable("the memory store is cut off"));
        }
        long delay = delayMillis;
        if (delay <= 0) {
            return run(work, events);
        }
        CompletableFuture<T> later = new CompletableFuture<>();
        TIMER.schedule(() -> run(work, events).whenComplete((result, failure) -> {
            if (failure != null) {
                later.completeExceptionally(failure);
            } else {
                later.complete(result);
            }
        }), delay, TimeUnit.MILLISECONDS);
        return later;
    }

    private <T> CompletableFuture<T> run(Supplier<T> work, List<ClusterEvent> events) {
        T result;
        try {
            synchronized (shared) {
                result = work.get();
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        events.forEach(this::deliver);
        return CompletableFuture.completedFuture(result);
    }

    private void deliver(ClusterEvent event) {
        shared.listeners.forEach(listener -> listener.accept(event));
    }

    @Override
    public CompletionStage<Long> takeGuestNumbers(int count) {
        return answer(() -> shared.guests += count);
    }

    @Override
    public CompletionStage<Void> raiseGuestNumbers(long atLeast) {
        return answer(() -> {
            shared.guests = Math.max(shared.guests, atLeast);
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> takeNick(String nickKey, String oldOwner, String newOwner, String nick, long leaseMillis) {
        return answer(() -> {
            String holder = shared.nicks.get(nickKey);
            if (holder == null || holder.startsWith(oldOwner + "|")) {
                shared.nicks.put(nickKey, newOwner + "|" + nick);
                return true;
            }
            return false;
        });
    }

    @Override
    public CompletionStage<Void> releaseNick(String nickKey, String owner) {
        return answer(() -> {
            shared.nicks.computeIfPresent(nickKey, (key, holder) -> holder.startsWith(owner + "|") ? null : holder);
            return null;
        });
    }

    @Override
    public CompletionStage<String> nickHolder(String nickKey) {
        return answer(() -> {
            String holder = shared.nicks.get(nickKey);
            return holder == null ? null : holder.substring(holder.indexOf('|') + 1);
        });
    }

    @Override
    public CompletionStage<Entry> enter(Seat seat, int recent) {
        return answer(() -> {
            if (!shared.nodeLeases.containsKey(nodeId)) {
                throw new ClusterUnavailable("the store has lost this node");
            }
            String name = shared.roomNames.computeIfAbsent(seat.roomKey(), key -> seat.roomName());
            if (!shared.members.containsKey(seat.roomKey())) {
                shared.controls.remove(seat.roomKey());
            }
            shared.members.computeIfAbsent(seat.roomKey(), key -> new LinkedHashMap<>())
                    .put(seat.nickKey(), seat.owner() + "|" + seat.nick());
            shared.seatsByNode.computeIfAbsent(nodeId, node -> new java.util.HashSet<>())
                    .add(seat.roomKey() + "\n" + seat.nickKey());
            List<String> nicks = new ArrayList<>();
            Map<String, String> away = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            shared.members.get(seat.roomKey()).forEach((nickKey, value) -> {
                if (!value.startsWith(nodeId + "/")) {
                    String nick = value.substring(value.indexOf('|') + 1);
                    nicks.add(nick);
                    if (shared.away.containsKey(nickKey)) {
                        away.put(nick, shared.away.get(nickKey));
                    }
                }
            });
            List<StoredMessage> stored = new ArrayList<>(shared.history.getOrDefault(seat.roomKey(), new TreeMap<>()).values());
            List<StoredMessage> newest = stored.subList(Math.max(0, stored.size() - recent), stored.size());
            return new Entry(name, nicks, away, shared.counters.getOrDefault(seat.roomKey(), 0L), List.copyOf(newest),
                    shared.controls.getOrDefault(seat.roomKey(), StoredControl.NONE));
        });
    }

    @Override
    public CompletionStage<Void> removeMember(String roomKey, String nickKey, String owner) {
        return answer(() -> {
            Set<String> seats = shared.seatsByNode.get(nodeId);
            if (seats != null) {
                seats.remove(roomKey + "\n" + nickKey);
            }
            removeSeat(roomKey, nickKey, owner + "|");
            return null;
        });
    }

    /** Call holding the shared state's lock. */
    private void removeSeat(String roomKey, String nickKey, String owner) {
        Map<String, String> room = shared.members.get(roomKey);
        if (room != null && room.getOrDefault(nickKey, "").startsWith(owner)) {
            room.remove(nickKey);
            if (room.isEmpty()) {
                shared.members.remove(roomKey);
                shared.counters.remove(roomKey);
                shared.history.remove(roomKey);
                shared.roomNames.remove(roomKey);
                shared.controls.remove(roomKey);
            }
        }
    }

    @Override
    public CompletionStage<Void> renameMember(List<String> roomKeys, String oldNickKey, String newNickKey, String owner,
                                              String nick) {
        return answer(() -> {
            for (String roomKey : roomKeys) {
                Map<String, String> room = shared.members.computeIfAbsent(roomKey, key -> new LinkedHashMap<>());
                if (room.getOrDefault(oldNickKey, "").startsWith(owner + "|")) {
                    room.remove(oldNickKey);
                }
                room.put(newNickKey, owner + "|" + nick);
                Set<String> seats = shared.seatsByNode.computeIfAbsent(nodeId, node -> new java.util.HashSet<>());
                seats.remove(roomKey + "\n" + oldNickKey);
                seats.add(roomKey + "\n" + newNickKey);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> saveControl(String roomKey, long expectedVersion, String json,
                                                ClusterEvent.ControlChange event) {
        return answer(() -> {
            if (!shared.members.containsKey(roomKey)
                    || shared.controls.getOrDefault(roomKey, StoredControl.NONE).version() != expectedVersion) {
                return false;
            }
            shared.controls.put(roomKey, new StoredControl(expectedVersion + 1, json));
            TIMER.execute(() -> deliver(event));
            return true;
        });
    }

    @Override
    public CompletionStage<StoredControl> loadControl(String roomKey) {
        return answer(() -> shared.controls.getOrDefault(roomKey, StoredControl.NONE));
    }

    @Override
    public CompletionStage<Long> liveNodes() {
        return answer(() -> (long) shared.nodes.size());
    }

    @Override
    public CompletionStage<Void> restoreControl(String roomKey, long version, String json) {
        return answer(() -> {
            StoredControl stored = shared.controls.get(roomKey);
            if (shared.members.containsKey(roomKey) && (stored == null || stored.version() < version)) {
                shared.controls.put(roomKey, new StoredControl(version, json));
            }
            return null;
        });
    }

    @Override
    public CompletionStage<String> memberNick(String roomKey, String nickKey) {
        return answer(() -> {
            String value = shared.members.getOrDefault(roomKey, Map.of()).get(nickKey);
            return value == null ? null : value.substring(value.indexOf('|') + 1);
        });
    }

    @Override
    public CompletionStage<String> longestMember(String roomKey) {
        return answer(() -> shared.members.getOrDefault(roomKey, Map.of()).values().stream().findFirst()
                .map(value -> value.substring(value.indexOf('|') + 1)).orElse(null));
    }

    @Override
    public CompletionStage<Void> saveProfile(String nickKey, String json, String away, long ttlMillis) {
        return answer(() -> {
            shared.profiles.put(nickKey, json);
            if (away == null) {
                shared.away.remove(nickKey);
            } else {
                shared.away.put(nickKey, away);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<String> loadProfile(String nickKey) {
        return answer(() -> shared.profiles.get(nickKey));
    }

    @Override
    public CompletionStage<List<String>> profiles() {
        return answer(() -> shared.profiles.entrySet().stream().filter(entry -> shared.nicks.containsKey(entry.getKey()))
                .map(Map.Entry::getValue).toList());
    }

    @Override
    public CompletionStage<Void> deleteProfile(String nickKey) {
        return answer(() -> {
            shared.profiles.remove(nickKey);
            shared.away.remove(nickKey);
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> hasMembers(String roomKey) {
        return answer(() -> !shared.members.getOrDefault(roomKey, Map.of()).isEmpty());
    }

    @Override
    public CompletionStage<List<ServerEvent.RoomInfo>> rooms() {
        return answer(() -> {
            List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
            shared.members.forEach((key, room) -> {
                if (!room.isEmpty()) {
                    rooms.add(new ServerEvent.RoomInfo(shared.roomNames.getOrDefault(key, key), room.size()));
                }
            });
            rooms.sort((a, b) -> String.CASE_INSENSITIVE_ORDER.compare(a.name(), b.name()));
            return rooms;
        });
    }

    @Override
    public CompletionStage<Long> append(Post post, int keep, long floor) {
        List<ClusterEvent> published = new ArrayList<>();
        return answer(() -> {
            long id = Math.max(shared.counters.getOrDefault(post.roomKey(), 0L), floor) + 1;
            shared.counters.put(post.roomKey(), id);
            if (keep > 0) {
                TreeMap<Long, StoredMessage> stream = shared.history.computeIfAbsent(post.roomKey(), key -> new TreeMap<>());
                var message = new ServerEvent.Message(Long.toString(id), shared.roomNames.getOrDefault(post.roomKey(),
                        post.roomKey()), post.from(), post.text(), post.timestamp(), post.kind());
                stream.put(id, new StoredMessage(message, post.origin(), post.serial()));
                while (stream.size() > keep) {
                    stream.pollFirstEntry();
                }
            }
            published.add(new ClusterEvent.RoomMessage(post.origin(), post.roomKey(), id, post.serial(),
                    post.jsonHead() + id + post.jsonTail()));
            return id;
        }, published);
    }

    @Override
    public CompletionStage<List<Long>> lastIds(List<String> roomKeys) {
        return answer(() -> roomKeys.stream().map(key -> shared.counters.getOrDefault(key, 0L)).toList());
    }

    @Override
    public CompletionStage<Long> raiseLastId(String roomKey, long atLeast) {
        return answer(() -> {
            long was = shared.counters.getOrDefault(roomKey, 0L);
            shared.counters.put(roomKey, Math.max(was, atLeast));
            return was;
        });
    }

    @Override
    public CompletionStage<List<StoredMessage>> history(String roomKey, String roomName, long from, long to, int count) {
        return answer(() -> {
            List<StoredMessage> range = new ArrayList<>(
                    shared.history.getOrDefault(roomKey, new TreeMap<>()).subMap(from, true, to, true).values());
            return List.copyOf(range.subList(Math.max(0, range.size() - count), range.size()));
        });
    }

    @Override
    public CompletionStage<Void> publish(ClusterEvent event) {
        return answer(() -> null, List.of(event));
    }

    @Override
    public CompletionStage<Void> saveSession(String token, Backplane.Session session, long ttlMillis) {
        return answer(() -> {
            shared.sessions.put(token, session);
            return null;
        });
    }

    @Override
    public CompletionStage<Backplane.Session> loadSession(String token) {
        return answer(() -> shared.sessions.get(token));
    }

    @Override
    public CompletionStage<Void> deleteSession(String token) {
        return answer(() -> {
            shared.sessions.remove(token);
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> renew(List<UserLease> users, long leaseMillis, long sessionTtlMillis) {
        return answer(() -> {
            Long previous = shared.nodeLeases.put(nodeId, System.currentTimeMillis() + leaseMillis);
            shared.nodes.add(nodeId);
            for (UserLease user : users) {
                String holder = shared.nicks.get(user.nickKey());
                if (holder == null || holder.startsWith(user.owner() + "|")) {
                    shared.nicks.put(user.nickKey(), user.owner() + "|" + user.nick());
                }
                shared.sessions.put(user.resumeToken(), user.session());
            }
            return previous == null;
        });
    }

    @Override
    public CompletionStage<SyncResult> syncSeats(List<Seat> seats) {
        return answer(() -> {
            List<SeatChange> added = new ArrayList<>();
            Set<String> mine = shared.seatsByNode.computeIfAbsent(nodeId, node -> new java.util.HashSet<>());
            for (Seat seat : seats) {
                shared.roomNames.putIfAbsent(seat.roomKey(), seat.roomName());
                String was = shared.members.computeIfAbsent(seat.roomKey(), key -> new LinkedHashMap<>())
                        .put(seat.nickKey(), seat.owner() + "|" + seat.nick());
                if (was == null) {
                    added.add(new SeatChange(seat.roomKey(), shared.roomNames.get(seat.roomKey()), seat.nick()));
                }
                mine.add(seat.roomKey() + "\n" + seat.nickKey());
            }
            return new SyncResult(List.of(), added);
        });
    }

    @Override
    public CompletionStage<List<SeatChange>> sweepDeadNodes() {
        return answer(() -> {
            List<SeatChange> freed = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (String other : List.copyOf(shared.nodes)) {
                Long until = shared.nodeLeases.get(other);
                if (other.equals(nodeId) || until != null && until > now) {
                    continue;
                }
                shared.nodes.remove(other);
                shared.nodeLeases.remove(other);
                for (String seat : shared.seatsByNode.getOrDefault(other, Set.of())) {
                    String roomKey = seat.substring(0, seat.indexOf('\n'));
                    String nickKey = seat.substring(seat.indexOf('\n') + 1);
                    String value = shared.members.getOrDefault(roomKey, Map.of()).get(nickKey);
                    if (value != null && value.startsWith(other + "/")) {
                        freed.add(new SeatChange(roomKey, shared.roomNames.getOrDefault(roomKey, roomKey),
                                value.substring(value.indexOf('|') + 1)));
                        removeSeat(roomKey, nickKey, other + "/");
                    }
                }
                shared.seatsByNode.remove(other);
            }
            return freed;
        });
    }
}
