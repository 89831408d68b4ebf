package parley.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.Backplane;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatUser;
import parley.server.chat.ClusterUnavailable;
import parley.server.chat.EncodedEvent;
import parley.server.chat.Names;
import parley.server.chat.Room;
import parley.server.chat.RoomControl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * One node's share of a cluster: the chat's {@link Backplane} over a {@link ClusterStore}. Users here are served
 * from memory; nicknames are leased in the store ({@link Leases} renews them), room messages are numbered there and
 * shown here in its order ({@link RoomSequencer}), and the other nodes hear of everything over the store's event
 * bus. No call waits for the store: answers come back on this node's own threads. While the store is out of reach
 * ({@link Reachability}) the node serves its users alone: messages are shown here, joins and leaves are put right
 * when the store is back, and what needs the other nodes (a rename, a whisper to a user elsewhere) is refused.
 */
public final class ClusterBackplane implements Backplane {
    private static final Logger log = LoggerFactory.getLogger(ClusterBackplane.class);
    private static final CompletableFuture<Members> ONLY_HERE = CompletableFuture.completedFuture(null);

    private final EventCodec codec;
    private final ChatLimits limits;
    private final ClusterStore store;
    private final String node;
    private final long leaseMillis;
    private final long sessionTtlMillis;
    private final Executor executor;
    private final Executor background;
    private final ScheduledExecutorService timer;
    private final Reachability reach = new Reachability();
    private final GuestNumbers guests;
    private final RoomSequencer sequencer;
    private final Leases leases;
    private final SharedControl controls;
    /** The users here by owner, so that a takeover from another node finds them. */
    private final ConcurrentMap<String, ChatUser> usersByOwner = new ConcurrentHashMap<>();
    /** Every change to this node's seats or nicknames, so that {@link Leases} can tell a sync raced with one. */
    private final AtomicLong changes = new AtomicLong();
    private volatile Here here;

    /**
     * @param executor   runs the chat's work once the store has answered; one thread is enough for correctness,
     *                   more spread the fan-out
     * @param background sends the updates nobody waits for (seats, sessions, presence to other nodes), so that
     *                   a burst of them (a thousand joins) does not hold up room messages
     * @param timer      for short waits (a gap in a room's messages)
     */
    public ClusterBackplane(EventCodec codec, ChatLimits limits, ClusterStore store, Duration lease,
                            Executor executor, Executor background, ScheduledExecutorService timer) {
        this.codec = codec;
        this.limits = limits;
        this.store = store;
        this.node = store.nodeId();
        this.leaseMillis = lease.toMillis();
        this.sessionTtlMillis = limits.gracePeriod().toMillis() + leaseMillis;
        this.executor = executor;
        this.background = background;
        this.timer = timer;
        this.guests = new GuestNumbers(store);
        this.sequencer = new RoomSequencer(codec, store, reach, executor, timer, limits.resumeBuffer());
        this.controls = new SharedControl(store, reach, background, this::inBackground);
        this.leases = new Leases(store, reach, sequencer, guests, controls, codec, this::nodeState, changes::get,
                leaseMillis, sessionTtlMillis);
    }

    /** A backplane with its own threads: as many as processors for answers, one for background updates. */
    public static ClusterBackplane withOwnThreads(EventCodec codec, ChatLimits limits, ClusterStore store, Duration lease) {
        int threads = Runtime.getRuntime().availableProcessors();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(threads, daemon("parley-cluster"));
        ScheduledExecutorService updates = Executors.newSingleThreadScheduledExecutor(daemon("parley-cluster-updates"));
        return new ClusterBackplane(codec, limits, store, lease, executor, updates, executor);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Starts listening to the cluster and renewing leases; the first renewal happens before this returns. */
    @Override
    public void start(Here chat) {
        this.here = chat;
        store.start(this::onClusterEvent);
        leases.start();
        try {
            guests.prefetch().get(leaseMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("No guest numbers from the cluster yet ({}); guests get names with this node's id", e.toString());
        }
    }

    @Override
    public void stop() {
        leases.stop();
        store.stop();
        timer.shutdownNow();
        if (background instanceof ExecutorService updates) {
            updates.shutdownNow();
        }
    }

    public boolean isInCluster() {
        return reach.isInCluster();
    }

    public String nodeId() {
        return node;
    }

    @Override
    public Map<String, Object> health() {
        return Map.of("mode", "cluster", "node", node, "clusterReachable", reach.isInCluster(), "nodes", leases.liveNodes());
    }

    // ---- users and nicknames ----

    @Override
    public String guestNick() {
        return guests.nextNick();
    }

    @Override
    public String idPrefix() {
        return node + "-";
    }

    private String owner(ChatUser user) {
        return node + "/" + user.serial();
    }

    @Override
    public void arrived(ChatUser user) {
        changes.incrementAndGet();
        String owner = owner(user);
        usersByOwner.put(owner, user);
        String nick = user.nick();
        inBackground(() -> store.takeNick(Names.key(nick), owner, owner, nick, leaseMillis));
        saveSession(user);
    }

    @Override
    public void departed(ChatUser user, String nick, String resumeToken) {
        changes.incrementAndGet();
        String owner = owner(user);
        usersByOwner.remove(owner, user);
        controls.forget(user);
        inBackground(() -> store.releaseNick(Names.key(nick), owner));
        inBackground(() -> store.deleteProfile(Names.key(nick)));
        if (resumeToken != null) {
            tokenRetired(resumeToken);
        }
    }

    @Override
    public void tokenRetired(String token) {
        inBackground(() -> store.deleteSession(token));
    }

    @Override
    public CompletionStage<Boolean> claimNick(ChatUser user, String nickKey, String nick) {
        if (!reach.isInCluster()) {
            return unavailable();
        }
        String owner = owner(user);
        return answer(store.takeNick(nickKey, owner, owner, nick, leaseMillis));
    }

    @Override
    public void releaseNick(ChatUser user, String nickKey) {
        String owner = owner(user);
        inBackground(() -> store.releaseNick(nickKey, owner));
    }

    @Override
    public void renamed(ChatUser user, String oldNickKey, List<String> roomKeys, EncodedEvent event) {
        changes.incrementAndGet();
        String owner = owner(user);
        String nick = user.nick();
        String newKey = Names.key(nick);
        inBackground(() -> {
            if (!newKey.equals(oldNickKey)) {
                store.releaseNick(oldNickKey, owner);
                store.deleteProfile(oldNickKey);
            }
            store.takeNick(newKey, owner, owner, nick, leaseMillis);
            store.renameMember(roomKeys, oldNickKey, newKey, owner, nick);
            return store.publish(new ClusterEvent.NickChange(node, roomKeys, event.json()));
        });
        saveSession(user);
    }

    // ---- rooms ----

    @Override
    public CompletionStage<Members> enter(Room room, ChatUser user) {
        changes.incrementAndGet();
        if (!reach.isInCluster()) {
            return ONLY_HERE; // the seat goes to the store when the node is back in the cluster
        }
        boolean seed;
        synchronized (room) {
            seed = !sequencer.isSynced(room);
        }
        String nick = user.nick();
        var seat = new ClusterStore.Seat(room.key(), room.name(), Names.key(nick), owner(user), nick);
        return store.enter(seat, seed ? limits.resumeBuffer() : 0).handleAsync((entry, failure) -> {
            if (failure != null) {
                if (!reach.failed(failure)) {
                    log.error("Could not seat {} in {}", nick, room.name(), failure);
                }
                return null;
            }
            synchronized (room) {
                room.adoptName(entry.roomName());
                room.adoptControl(ControlJson.decode(entry.control().json()), entry.control().version());
            }
            if (seed) {
                sequencer.seed(room, entry);
            }
            return new Members(entry.membersElsewhere(), entry.awayElsewhere());
        }, executor);
    }

    @Override
    public CompletionStage<Void> controlChanged(Room room, RoomControl.Change change, List<EncodedEvent> events,
                                                String evictNickKey) {
        return controls.changed(room, change, events, evictNickKey);
    }

    @Override
    public CompletionStage<String> memberElsewhere(String roomKey, String nickKey) {
        return reach.isInCluster() ? answer(store.memberNick(roomKey, nickKey)) : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<String> longestMember(Room room, String longestHere) {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(longestHere);
        }
        return answer(store.longestMember(room.key())).exceptionally(failure -> longestHere)
                .thenApply(longest -> longest == null ? longestHere : longest);
    }

    @Override
    public CompletionStage<Profile> profileElsewhere(String nickKey) {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(null);
        }
        return answer(store.loadProfile(nickKey)).thenApply(ControlJson::decodeProfile);
    }

    @Override
    public CompletionStage<List<Profile>> profilesElsewhere() {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return answer(store.profiles()).thenApply(found -> found.stream().map(ControlJson::decodeProfile)
                .filter(profile -> !node.equals(profile.node())).toList());
    }

    @Override
    public CompletionStage<RoomControl> controlElsewhere(String roomKey) {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(RoomControl.NONE);
        }
        return answer(store.loadControl(roomKey)).thenApply(stored -> ControlJson.decode(stored.json()));
    }

    @Override
    public CompletionStage<Boolean> removeElsewhere(String nickKey, String reason) {
        return nickElsewhere(nickKey).thenCompose(holder -> holder == null ? CompletableFuture.completedFuture(false)
                : answer(store.publish(new ClusterEvent.Remove(node, nickKey, reason))).thenApply(sent -> true));
    }

    @Override
    public void noticeElsewhere(String roomKey, EncodedEvent frame) {
        inBackground(() -> store.publish(new ClusterEvent.Notice(node, roomKey == null ? "" : roomKey, frame.json())));
    }

    @Override
    public void dropped(ChatUser user) {
        controls.saveProfile(user);
    }

    @Override
    public void awayChanged(ChatUser user, List<String> roomKeys, EncodedEvent event) {
        saveSession(user);
        inBackground(() -> store.publish(new ClusterEvent.NickChange(node, roomKeys, event.json())));
    }

    @Override
    public void active(ChatUser user) {
        controls.active(user);
    }

    @Override
    public void joined(Room room, ChatUser user, EncodedEvent presence) {
        changes.incrementAndGet();
        inBackground(() -> store.publish(new ClusterEvent.RoomEvent(node, room.key(), presence.json())));
        saveSession(user);
    }

    @Override
    public void exited(Room room, ChatUser user, EncodedEvent presence) {
        changes.incrementAndGet();
        String nickKey = Names.key(user.nick());
        String owner = owner(user);
        inBackground(() -> {
            CompletionStage<Void> removed = store.removeMember(room.key(), nickKey, owner);
            return presence == null ? removed : store.publish(new ClusterEvent.RoomEvent(node, room.key(), presence.json()));
        });
        saveSession(user);
    }

    @Override
    public void closed(Room room) {
        executor.execute(() -> sequencer.forget(room));
    }

    @Override
    public CompletionStage<Boolean> existsElsewhere(String roomKey) {
        return reach.isInCluster() ? answer(store.hasMembers(roomKey)) : CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletionStage<String> post(Room room, ChatUser user, String text, String kind, long timestamp) {
        return sequencer.post(room, user, text, kind, timestamp);
    }

    @Override
    public CompletionStage<List<ServerEvent.RoomInfo>> rooms(Supplier<List<ServerEvent.RoomInfo>> roomsHere) {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(roomsHere.get());
        }
        return answer(store.rooms()).exceptionally(failure -> roomsHere.get());
    }

    // ---- whispers and sessions ----

    @Override
    public CompletionStage<String> nickElsewhere(String nickKey) {
        return reach.isInCluster() ? answer(store.nickHolder(nickKey)) : unavailable();
    }

    @Override
    public CompletionStage<Void> whisper(String nickKey, EncodedEvent frame) {
        return answer(store.publish(new ClusterEvent.Whisper(node, nickKey, frame.json())));
    }

    @Override
    public CompletionStage<Void> tell(String nickKey, EncodedEvent frame) {
        return answer(store.publish(new ClusterEvent.Direct(node, nickKey, frame.json())));
    }

    @Override
    public CompletionStage<Session> findSession(String resumeToken) {
        if (!reach.isInCluster()) {
            return CompletableFuture.completedFuture(null);
        }
        // A session this node held and no longer has is over: its user quit or was let go.
        return answer(store.loadSession(resumeToken))
                .thenApply(session -> session == null || session.holder().startsWith(node + "/") ? null : session);
    }

    @Override
    public CompletionStage<Boolean> takeSession(String resumeToken, Session session, ChatUser user) {
        String owner = owner(user);
        return answer(store.takeNick(Names.key(session.nick()), session.holder(), owner, session.nick(), leaseMillis))
                .thenApply(taken -> {
                    if (taken) {
                        usersByOwner.put(owner, user);
                        inBackground(() -> store.deleteSession(resumeToken));
                        inBackground(() -> store.publish(new ClusterEvent.Takeover(node, session.holder())));
                        String from = session.holder().substring(0, session.holder().indexOf('/'));
                        log.info("{} resumed here from node {}", session.nick(), from);
                    }
                    return taken;
                });
    }

    // ---- the cluster's events ----

    private void onClusterEvent(ClusterEvent event) {
        Here chat = here;
        try {
            if (event instanceof ClusterEvent.RoomMessage message) {
                Room room = chat.room(message.roomKey());
                if (room != null) {
                    sequencer.received(room, message);
                }
            } else if (event.origin().equals(node)) {
                return;
            } else if (event instanceof ClusterEvent.RoomEvent roomEvent) {
                Room room = chat.room(roomEvent.roomKey());
                if (room != null) {
                    synchronized (room) {
                        room.sendToListening(new EncodedEvent(roomEvent.json()), null);
                    }
                    if (Leases.SWEEP.equals(roomEvent.origin())) {
                        sweptNick(roomEvent.json()).ifPresent(nick -> chat.memberSwept(roomEvent.roomKey(), nick));
                    }
                }
            } else if (event instanceof ClusterEvent.NickChange change) {
                chat.sendToRooms(change.roomKeys(), new EncodedEvent(change.json()));
            } else if (event instanceof ClusterEvent.Whisper whisper) {
                chat.deliverWhisper(whisper.nickKey(), new EncodedEvent(whisper.json()));
            } else if (event instanceof ClusterEvent.Direct direct) {
                chat.tell(direct.nickKey(), new EncodedEvent(direct.json()));
            } else if (event instanceof ClusterEvent.Remove remove) {
                chat.remove(remove.nickKey(), remove.reason());
            } else if (event instanceof ClusterEvent.Notice notice) {
                chat.notice(notice.roomKey().isEmpty() ? null : notice.roomKey(), new EncodedEvent(notice.json()));
            } else if (event instanceof ClusterEvent.ControlChange change) {
                controls.received(change, chat);
            } else if (event instanceof ClusterEvent.Takeover takeover) {
                ChatUser user = usersByOwner.remove(takeover.owner());
                if (user != null) {
                    chat.letGo(user);
                }
            }
        } catch (RuntimeException e) {
            log.error("A cluster event could not be handled: {}", event, e);
        }
    }

    private java.util.Optional<String> sweptNick(String presenceJson) {
        try {
            return codec.decodeServerEvent(presenceJson) instanceof ServerEvent.Presence gone
                    ? java.util.Optional.of(gone.nick()) : java.util.Optional.empty();
        } catch (parley.protocol.ProtocolException e) {
            return java.util.Optional.empty();
        }
    }

    // ---- what the store should know ----

    /** Saves what resumes the user on another node, and what whois shows of them there. */
    private void saveSession(ChatUser user) {
        ClusterStore.UserLease lease = leaseOf(user);
        if (lease != null) {
            inBackground(() -> store.saveSession(lease.resumeToken(), lease.session(), sessionTtlMillis));
        }
        controls.saveProfile(user);
    }

    private ClusterStore.UserLease leaseOf(ChatUser user) {
        String token;
        synchronized (user) {
            token = user.resumeToken();
        }
        if (token == null || user.isGone()) {
            return null;
        }
        List<RoomRef> rooms = new ArrayList<>();
        for (Room room : user.rooms()) {
            rooms.add(new RoomRef(room.key(), room.name()));
        }
        String nick = user.nick();
        String owner = owner(user);
        return new ClusterStore.UserLease(Names.key(nick), owner, nick, token, new Session(nick, rooms, owner, user.away()),
                !user.isDropped());
    }

    private Leases.NodeState nodeState() {
        List<ClusterStore.UserLease> users = new ArrayList<>();
        List<ClusterStore.Seat> seats = new ArrayList<>();
        Set<Room> rooms = new LinkedHashSet<>();
        for (ChatUser user : here.users()) {
            ClusterStore.UserLease lease = leaseOf(user);
            if (lease == null) {
                continue;
            }
            users.add(lease);
            for (Room room : user.rooms()) {
                rooms.add(room);
                seats.add(new ClusterStore.Seat(room.key(), room.name(), lease.nickKey(), lease.owner(), lease.nick()));
            }
        }
        return new Leases.NodeState(users, seats, List.copyOf(rooms));
    }

    // ---- plumbing ----

    /** The store's answer, handed to this node's threads (never the store client's own), its failure noted. */
    private <T> CompletionStage<T> answer(CompletionStage<T> stage) {
        return stage.handleAsync((result, failure) -> {
            if (failure != null) {
                reach.failed(failure);
                throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
            }
            return result;
        }, executor);
    }

    /** Runs store calls off the caller's thread (which may hold a monitor) and notes when the store is out of reach. */
    private void inBackground(Supplier<CompletionStage<?>> call) {
        background.execute(() -> {
            try {
                call.get().whenComplete((done, failure) -> {
                    if (failure != null && !reach.failed(failure)) {
                        log.warn("A cluster update failed: {}", failure.toString());
                    }
                });
            } catch (RuntimeException e) {
                log.error("A cluster update could not be sent", e);
            }
        });
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new ClusterUnavailable("the cluster is out of reach"));
    }
}
