package parley.server.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.CloseCodes;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat of one node in a cluster: users connected here are served from memory as in {@link LocalChat}, and
 * everything others must see goes through the {@link ClusterStore} shared by all nodes. Nicknames are claimed
 * there under a lease this node renews; room messages are numbered and stored there and come back to every node
 * (this one too) over the event bus, so each node shows a room's messages in one order: the store's.
 *
 * <p>When the store is out of reach, the node keeps serving its own users: room messages said here are shown here
 * at once under the next ids, which the cluster skips once the store is back, so other nodes' members get a
 * {@code missed} event for them; renames and whispers to users elsewhere are refused with
 * {@link ErrorReason#CLUSTER_UNAVAILABLE}. Lock order: user, then room.
 */
public final class ClusterChat extends SessionKeeper implements Chat, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterChat.class);
    /** How long a sender waits for its own message to come back from the cluster before it gets its "ok". */
    private static final long ECHO_WAIT_MILLIS = 2_000;
    /** Ids missing beyond this many in one catch-up are counted, not looked up one by one. */
    private static final long MAX_LOOKUP_GAP = 100_000;

    private final EventCodec codec;
    private final ClusterStore store;
    private final long leaseMillis;
    private final String node;
    private final ConcurrentMap<String, ChatUser> usersByNickKey = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ChatUser> usersByOwner = new ConcurrentHashMap<>();
    private final ConcurrentMap<ChatUser, Seats> seats = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClusterRoom> roomsByKey = new ConcurrentHashMap<>();
    private final AtomicLong userSerials = new AtomicLong();
    private final AtomicLong localGuestNumbers = new AtomicLong();
    private final AtomicLong whisperNumbers = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-cluster-tick");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean inCluster;

    /** Who owns a local user in the store, and the rooms they sit in here. */
    private record Seats(String owner, Set<ClusterRoom> rooms) {
        Seats(String owner) {
            this(owner, ConcurrentHashMap.newKeySet());
        }
    }

    public ClusterChat(EventCodec codec, ChatLimits limits, Clock clock, ClusterStore store, Duration lease) {
        super(limits, clock);
        this.codec = codec;
        this.store = store;
        this.leaseMillis = lease.toMillis();
        this.node = store.nodeId();
    }

    /** Starts listening to the cluster and renewing leases; the first renewal happens before this returns. */
    public void start() {
        store.start(this::onClusterEvent);
        tick();
        long every = Math.max(100, leaseMillis / 3);
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        store.stop();
    }

    public boolean isInCluster() {
        return inCluster;
    }

    @Override
    public Map<String, Object> health() {
        return Map.of("mode", "cluster", "node", node, "clusterReachable", inCluster && store.isUp(),
                "users", seats.size(), "rooms", roomsByKey.size());
    }

    // ---- connections ----

    @Override
    public ChatUser connect(Peer peer) {
        String owner = newOwner();
        ChatUser user;
        while (true) {
            String nick = nextGuestNick();
            String key = Names.key(nick);
            user = new ChatUser(peer, nick);
            if (usersByNickKey.putIfAbsent(key, user) != null) {
                continue;
            }
            if (claim(key, owner, nick)) {
                break;
            }
            usersByNickKey.remove(key, user);
        }
        seats.put(user, new Seats(owner));
        usersByOwner.put(owner, user);
        synchronized (user) {
            peer.send(codec.encode(ServerEvent.Welcome.fresh(user.nick(), newResumeToken(user))));
        }
        saveResume(user);
        return user;
    }

    private String nextGuestNick() {
        if (store.isUp()) {
            try {
                return Names.GUEST_PREFIX + store.nextGuestNumber();
            } catch (ClusterStore.Unavailable e) {
                // fall through: a name no other node can give out
            }
        }
        return Names.GUEST_PREFIX + node + "-" + localGuestNumbers.incrementAndGet();
    }

    /** Claims a nickname in the store; while the store is out of reach the claim waits for the next renewal. */
    private boolean claim(String key, String owner, String nick) {
        try {
            return store.claimNick(key, owner, nick, leaseMillis);
        } catch (ClusterStore.Unavailable e) {
            return true;
        }
    }

    @Override
    public ChatUser resume(String resumeToken, Peer peer) {
        if (resumeToken == null) {
            return null;
        }
        ChatUser here = usersByResumeToken.get(resumeToken);
        return here != null ? resumeHere(here, resumeToken, peer) : resumeFromAnotherNode(resumeToken, peer);
    }

    private ChatUser resumeHere(ChatUser user, String resumeToken, Peer peer) {
        Peer previous;
        synchronized (user) {
            if (user.isGone() || !resumeToken.equals(user.resumeToken())) {
                return null;
            }
            previous = user.peer();
            List<EncodedEvent> held = user.reattach(peer, clock.millis() - limits.gracePeriod().toMillis());
            droppedUsers.remove(user);
            List<String> rooms = new ArrayList<>();
            for (ClusterRoom room : seats.get(user).rooms()) {
                synchronized (room) {
                    room.awaitingRejoin.add(user);
                    rooms.add(room.name);
                }
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            peer.send(codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), rooms)));
            held.forEach(peer::send);
        }
        saveResume(user);
        if (previous != peer) {
            previous.close(CloseCodes.REPLACED, "resumed on a newer connection");
        }
        return user;
    }

    /** The user was connected to another node (alive or dead): their nickname and seats move here. */
    private ChatUser resumeFromAnotherNode(String resumeToken, Peer peer) {
        ClusterStore.ResumeRecord record;
        try {
            record = store.isUp() ? store.loadResume(resumeToken) : null;
        } catch (ClusterStore.Unavailable e) {
            return null;
        }
        if (record == null || record.owner().startsWith(node + "/")) {
            return null;
        }
        String key = Names.key(record.nick());
        ChatUser user = new ChatUser(peer, record.nick());
        if (usersByNickKey.putIfAbsent(key, user) != null) {
            return null;
        }
        String owner = newOwner();
        try {
            if (!store.takeOverNick(key, record.owner(), owner, record.nick(), leaseMillis)) {
                usersByNickKey.remove(key, user);
                return null;
            }
            store.deleteResume(resumeToken);
            store.publish(new ClusterEvent.Takeover(node, record.owner()));
        } catch (ClusterStore.Unavailable e) {
            usersByNickKey.remove(key, user);
            return null;
        }
        Seats userSeats = new Seats(owner);
        seats.put(user, userSeats);
        usersByOwner.put(owner, user);
        synchronized (user) {
            List<String> rooms = new ArrayList<>();
            for (ClusterStore.RoomRef ref : record.rooms()) {
                ClusterRoom room = openRoom(ref.key(), ref.name());
                synchronized (room) {
                    sit(room, user, userSeats);
                    room.awaitingRejoin.add(user);
                    rooms.add(room.name);
                }
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            peer.send(codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), rooms)));
        }
        saveResume(user);
        log.info("{} resumed here from node {}", user.nick(), record.owner().substring(0, record.owner().indexOf('/')));
        return user;
    }

    @Override
    protected void forget(ChatUser user) {
        forget(user, true);
    }

    /**
     * Call holding the user's monitor: the user leaves every room here and frees nickname and token. Announced,
     * the others see them leave; silently, another node has taken the user over.
     */
    private void forget(ChatUser user, boolean announce) {
        if (user.isGone()) {
            return;
        }
        user.markGone();
        Seats userSeats = seats.remove(user);
        usersByOwner.remove(userSeats.owner(), user);
        for (ClusterRoom room : List.copyOf(userSeats.rooms())) {
            synchronized (room) {
                unseat(room, user, userSeats, announce);
            }
        }
        String key = Names.key(user.nick());
        usersByNickKey.remove(key, user);
        retireToken(user);
        if (announce) {
            try {
                store.releaseNick(key, userSeats.owner());
                if (user.resumeToken() != null) {
                    store.deleteResume(user.resumeToken());
                }
            } catch (ClusterStore.Unavailable e) {
                // The lease runs out by itself; the next sync removes the seats.
            }
        }
    }

    private String newOwner() {
        return node + "/" + userSerials.incrementAndGet();
    }

    @Override
    protected void tokenRetired(String token) {
        tryStore(() -> store.deleteResume(token));
    }

    private void saveResume(ChatUser user) {
        ClusterStore.UserLease lease = leaseOf(user);
        if (lease != null) {
            tryStore(() -> store.saveResume(lease.resumeToken(), lease.resume(), resumeTtlMillis()));
        }
    }

    private long resumeTtlMillis() {
        return limits.gracePeriod().toMillis() + leaseMillis;
    }

    private ClusterStore.UserLease leaseOf(ChatUser user) {
        Seats userSeats = seats.get(user);
        String token;
        synchronized (user) {
            token = user.resumeToken();
        }
        if (userSeats == null || token == null) {
            return null;
        }
        List<ClusterStore.RoomRef> rooms = new ArrayList<>();
        for (ClusterRoom room : userSeats.rooms()) {
            rooms.add(new ClusterStore.RoomRef(room.key, room.name));
        }
        String nick = user.nick();
        return new ClusterStore.UserLease(Names.key(nick), userSeats.owner(), nick, token,
                new ClusterStore.ResumeRecord(userSeats.owner(), nick, rooms));
    }

    // ---- requests ----

    @Override
    public Outcome rename(ChatUser user, String requestedNick) {
        String nick = Names.normalize(requestedNick);
        Outcome invalidNick = ChatRules.checkNick(nick);
        if (invalidNick != null) {
            return invalidNick;
        }
        EncodedEvent event;
        List<String> roomKeys = new ArrayList<>();
        Set<Peer> audience = new LinkedHashSet<>();
        synchronized (user) {
            String old = user.nick();
            if (old.equals(nick) || user.isGone()) {
                return Outcome.done();
            }
            Seats userSeats = seats.get(user);
            String oldKey = Names.key(old);
            String newKey = Names.key(nick);
            try {
                if (newKey.equals(oldKey)) {
                    store.takeOverNick(newKey, userSeats.owner(), userSeats.owner(), nick, leaseMillis);
                } else {
                    if (usersByNickKey.putIfAbsent(newKey, user) != null) {
                        return ChatRules.nickTaken(nick);
                    }
                    if (!store.claimNick(newKey, userSeats.owner(), nick, leaseMillis)) {
                        usersByNickKey.remove(newKey, user);
                        return ChatRules.nickTaken(nick);
                    }
                    usersByNickKey.remove(oldKey, user);
                    store.releaseNick(oldKey, userSeats.owner());
                }
            } catch (ClusterStore.Unavailable e) {
                usersByNickKey.remove(newKey, user);
                return unavailable("nicknames cannot be changed while this server cannot reach the others");
            }
            user.rename(nick);
            event = new EncodedEvent(codec.encode(new ServerEvent.NickChanged(old, nick)));
            audience.add(user.peer());
            for (ClusterRoom room : userSeats.rooms()) {
                synchronized (room) {
                    roomKeys.add(room.key);
                    room.members.stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                }
            }
            tryStore(() -> store.renameMember(roomKeys, oldKey, newKey, userSeats.owner(), nick));
        }
        audience.forEach(peer -> peer.send(event));
        tryStore(() -> store.publish(new ClusterEvent.NickChange(node, roomKeys, event.json())));
        saveResume(user);
        return Outcome.done();
    }

    @Override
    public Outcome join(ChatUser user, String requestedRoom, String since) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return invalidName;
        }
        long sinceNumber = -1;
        if (since != null) {
            sinceNumber = ChatRules.parseMessageNumber(since);
            if (sinceNumber < 0) {
                return ChatRules.badSince();
            }
        }
        synchronized (user) {
            Seats userSeats = seats.get(user);
            if (user.isGone() || userSeats == null) {
                return Outcome.done();
            }
            while (true) {
                ClusterRoom room = openRoom(Names.key(name), name);
                synchronized (room) {
                    if (room.closed) {
                        continue;
                    }
                    boolean newcomer = !room.members.contains(user);
                    if (newcomer && limits.maxRoomsPerUser() > 0 && userSeats.rooms().size() >= limits.maxRoomsPerUser()) {
                        return ChatRules.tooManyRooms(limits);
                    }
                    boolean newInRoom = sit(room, user, userSeats);
                    room.awaitingRejoin.remove(user);
                    Room.History history = historyFor(room, sinceNumber);
                    user.peer().send(codec.encode(new ServerEvent.Joined(
                            room.name, membersOf(room), history.messages(), history.missed())));
                    if (newcomer && newInRoom) {
                        announce(room, user, ServerEvent.Presence.JOIN);
                    }
                    break;
                }
            }
        }
        saveResume(user);
        return Outcome.done();
    }

    /** Call holding the user's and the room's monitors: seats the user here and in the store; true when new there. */
    private boolean sit(ClusterRoom room, ChatUser user, Seats userSeats) {
        room.members.add(user);
        userSeats.rooms().add(room);
        try {
            ClusterStore.Membership membership = store.addMember(room.key, room.name, Names.key(user.nick()),
                    userSeats.owner(), user.nick());
            room.name = membership.roomName();
            return membership.newInRoom();
        } catch (ClusterStore.Unavailable e) {
            return true;
        }
    }

    /** Call holding the room's monitor: the joiner's history, up to what this node has shown of the room. */
    private Room.History historyFor(ClusterRoom room, long since) {
        if (!room.isSynced() || limits.historySize() == 0 && since < 0) {
            return new Room.History(List.of(), 0);
        }
        long last = room.lastClusterId;
        try {
            if (since < 0 || since > last) {
                return new Room.History(store.history(room.key, room.name, 1, last, limits.historySize()), 0);
            }
            List<ServerEvent.Message> after = store.history(room.key, room.name, since + 1, last, limits.resumeBuffer());
            long firstKept = after.isEmpty() ? last + 1 : Long.parseLong(after.get(0).id());
            return new Room.History(after, (int) Math.min(Integer.MAX_VALUE, firstKept - since - 1));
        } catch (ClusterStore.Unavailable e) {
            return new Room.History(List.of(), 0);
        }
    }

    /** Call holding the room's monitor: every member in the cluster, or those here when the store is out of reach. */
    private List<String> membersOf(ClusterRoom room) {
        try {
            List<String> members = new ArrayList<>(store.members(room.key));
            members.sort(String.CASE_INSENSITIVE_ORDER);
            return members;
        } catch (ClusterStore.Unavailable e) {
            List<String> here = new ArrayList<>();
            room.members.forEach(member -> here.add(member.nick()));
            here.sort(String.CASE_INSENSITIVE_ORDER);
            return here;
        }
    }

    /** Call holding the room's monitor: tells the room's other members, here and on every node. */
    private void announce(ClusterRoom room, ChatUser user, String presence) {
        String json = codec.encode(new ServerEvent.Presence(room.name, user.nick(), presence));
        room.sendToListening(new EncodedEvent(json), user);
        tryStore(() -> store.publish(new ClusterEvent.RoomEvent(node, room.key, json)));
    }

    @Override
    public Outcome leave(ChatUser user, String requestedRoom) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return invalidName;
        }
        synchronized (user) {
            ClusterRoom room = roomsByKey.get(Names.key(name));
            Seats userSeats = seats.get(user);
            if (room == null || userSeats == null) {
                return notHere(name);
            }
            synchronized (room) {
                if (!room.members.contains(user)) {
                    return ChatRules.notInRoom(room.name);
                }
                unseat(room, user, userSeats, true);
                user.peer().send(codec.encode(new ServerEvent.Left(room.name)));
            }
        }
        saveResume(user);
        return Outcome.done();
    }

    /** Call holding the user's and the room's monitors. */
    private void unseat(ClusterRoom room, ChatUser user, Seats userSeats, boolean announce) {
        room.members.remove(user);
        room.awaitingRejoin.remove(user);
        userSeats.rooms().remove(room);
        if (announce) {
            tryStore(() -> store.removeMember(room.key, Names.key(user.nick()), userSeats.owner()));
            announce(room, user, ServerEvent.Presence.LEAVE);
        }
        if (room.members.isEmpty()) {
            room.closed = true;
            roomsByKey.remove(room.key, room);
        }
    }

    /** A room nobody here is in: 403 when it exists elsewhere in the cluster, else 404. */
    private Outcome notHere(String name) {
        try {
            if (!store.members(Names.key(name)).isEmpty()) {
                return ChatRules.notInRoom(name);
            }
        } catch (ClusterStore.Unavailable e) {
            // Only the rooms here are known.
        }
        return ChatRules.noSuchRoom(name);
    }

    @Override
    public Outcome say(ChatUser user, String requestedRoom, String text) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return invalidName;
        }
        Outcome textRefusal = ChatRules.checkText(text, limits);
        if (textRefusal != null) {
            return textRefusal;
        }
        ClusterRoom room = roomsByKey.get(Names.key(name));
        if (room == null) {
            return notHere(name);
        }
        long floor;
        synchronized (room) {
            if (!room.members.contains(user)) {
                return room.closed ? notHere(name) : ChatRules.notInRoom(room.name);
            }
            syncRoom(room);
            if (!room.isSynced() || !store.isUp()) {
                return sayUnshared(room, user, text);
            }
            floor = room.lastShownId;
        }
        long id;
        long now = clock.millis();
        try {
            id = store.append(room.key, user.nick(), text, now, limits.resumeBuffer(), floor);
        } catch (ClusterStore.Unavailable e) {
            synchronized (room) {
                return sayUnshared(room, user, text);
            }
        }
        // The same time as stored: history and the live event must not disagree about it.
        ServerEvent.Message message = new ServerEvent.Message(Long.toString(id), room.name, user.nick(), text, now);
        tryStore(() -> store.publish(new ClusterEvent.RoomMessage(node, room.key, id, codec.encode(message))));
        awaitShown(room, id);
        return Outcome.stored(Long.toString(id));
    }

    /** The store is out of reach: the message is shown here at once, under this node's next id for the room. */
    private Outcome sayUnshared(ClusterRoom room, ChatUser user, String text) {
        long id = ++room.lastShownId;
        var message = new ServerEvent.Message(Long.toString(id), room.name, user.nick(), text, clock.millis());
        room.sendToListening(new EncodedEvent(codec.encode(message)), null);
        return Outcome.stored(message.id());
    }

    /** Waits until this node has shown message {@code id} of the room, so the sender sees it before its "ok". */
    private void awaitShown(ClusterRoom room, long id) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ECHO_WAIT_MILLIS);
        synchronized (room) {
            while (room.lastClusterId < id && !room.closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    log.warn("Message {} of {} has not come back from the cluster in {} ms", id, room.name, ECHO_WAIT_MILLIS);
                    return;
                }
                try {
                    room.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public Outcome whisper(ChatUser user, String to, String text) {
        Outcome textRefusal = ChatRules.checkText(text, limits);
        if (textRefusal != null) {
            return textRefusal;
        }
        String key = Names.key(Names.normalize(to));
        ChatUser here = usersByNickKey.get(key);
        String recipientNick;
        if (here != null) {
            recipientNick = here.nick();
        } else {
            if (!store.isUp()) {
                return whisperUnavailable();
            }
            try {
                recipientNick = store.nickHolder(key);
            } catch (ClusterStore.Unavailable e) {
                return whisperUnavailable();
            }
            if (recipientNick == null) {
                return ChatRules.noSuchUser(to);
            }
        }
        String id = "w" + node + "-" + whisperNumbers.incrementAndGet();
        long now = clock.millis();
        var frame = new EncodedEvent(codec.encode(new ServerEvent.WhisperMessage(id, user.nick(), recipientNick, text, now)));
        if (here != null) {
            synchronized (here) {
                here.deliverWhisper(frame, now, limits.recentWhispers());
            }
        } else {
            try {
                store.publish(new ClusterEvent.Whisper(node, key, frame.json()));
            } catch (ClusterStore.Unavailable e) {
                return whisperUnavailable();
            }
        }
        if (here != user) {
            synchronized (user) {
                user.deliverWhisper(frame, now, limits.recentWhispers());
            }
        }
        return Outcome.stored(id);
    }

    @Override
    public List<ServerEvent.RoomInfo> rooms() {
        try {
            return store.rooms();
        } catch (ClusterStore.Unavailable e) {
            List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
            for (ClusterRoom room : roomsByKey.values()) {
                synchronized (room) {
                    if (!room.closed) {
                        rooms.add(new ServerEvent.RoomInfo(room.name, room.members.size()));
                    }
                }
            }
            rooms.sort(Comparator.comparing(ServerEvent.RoomInfo::name, String.CASE_INSENSITIVE_ORDER));
            return rooms;
        }
    }

    private static Outcome whisperUnavailable() {
        return unavailable("whispers to people on other servers cannot be sent just now");
    }

    private static Outcome unavailable(String message) {
        return Outcome.refused(ErrorReason.CLUSTER_UNAVAILABLE, message);
    }

    // ---- rooms and their numbered messages ----

    private ClusterRoom openRoom(String key, String name) {
        while (true) {
            ClusterRoom room = roomsByKey.computeIfAbsent(key, k -> new ClusterRoom(k, name));
            synchronized (room) {
                if (room.closed) {
                    continue;
                }
                syncRoom(room);
                return room;
            }
        }
    }

    /** Call holding the room's monitor: learns where the room's numbering stands, once. */
    private void syncRoom(ClusterRoom room) {
        if (room.isSynced() || !store.isUp()) {
            return;
        }
        try {
            long last = store.lastId(room.key);
            room.lastClusterId = last;
            room.lastShownId = Math.max(room.lastShownId, last);
            room.waiting.headMap(last, true).clear();
            showInOrder(room);
        } catch (ClusterStore.Unavailable e) {
            // Synced when the store is back.
        }
    }

    /** Call holding the room's monitor: shows the waiting messages that are next in line. */
    private void showInOrder(ClusterRoom room) {
        int missed = 0;
        while (!room.waiting.isEmpty() && room.waiting.firstKey() <= room.lastClusterId + 1) {
            Map.Entry<Long, EncodedEvent> next = room.waiting.pollFirstEntry();
            if (next.getKey() <= room.lastClusterId) {
                continue;
            }
            long id = next.getKey();
            room.lastClusterId = id;
            if (next.getValue() != null && id > room.lastShownId) {
                room.lastShownId = id;
                room.sendToListening(next.getValue(), null);
            } else if (next.getValue() != null || id > room.lastShownId) {
                // Another node's message under an id shown here while the store was out of reach, or a
                // message the store no longer has: the members here will not see it.
                room.lastShownId = Math.max(room.lastShownId, id);
                missed++;
            }
            // Else an id this node gave out itself while cut off: its members saw that message.
        }
        if (missed > 0) {
            room.sendToListening(new EncodedEvent(codec.encode(new ServerEvent.Missed(room.name, missed))), null);
        }
        room.notifyAll();
    }

    /** Call holding the room's monitor: fetches messages up to {@code upTo} that never arrived, and shows them. */
    private void catchUp(ClusterRoom room, long upTo) {
        if (!room.isSynced() || upTo <= room.lastClusterId) {
            return;
        }
        long from = room.lastClusterId + 1;
        if (upTo - from > MAX_LOOKUP_GAP) {
            from = upTo - MAX_LOOKUP_GAP;
            int lost = (int) Math.min(Integer.MAX_VALUE, from - room.lastClusterId - 1);
            room.waiting.headMap(from).clear();
            room.lastClusterId = from - 1;
            room.lastShownId = Math.max(room.lastShownId, from - 1);
            room.sendToListening(new EncodedEvent(codec.encode(new ServerEvent.Missed(room.name, lost))), null);
        }
        for (ServerEvent.Message message : store.history(room.key, room.name, from, upTo, Integer.MAX_VALUE)) {
            room.waiting.putIfAbsent(Long.parseLong(message.id()), new EncodedEvent(codec.encode(message)));
        }
        for (long id = from; id <= upTo; id++) {
            room.waiting.putIfAbsent(id, null);
        }
        showInOrder(room);
    }

    // ---- the cluster's events ----

    private void onClusterEvent(ClusterEvent event) {
        try {
            if (event instanceof ClusterEvent.RoomMessage message) {
                onRoomMessage(message);
            } else if (event.origin().equals(node)) {
                return;
            } else if (event instanceof ClusterEvent.RoomEvent roomEvent) {
                ClusterRoom room = roomsByKey.get(roomEvent.roomKey());
                if (room != null) {
                    synchronized (room) {
                        room.sendToListening(new EncodedEvent(roomEvent.json()), null);
                    }
                }
            } else if (event instanceof ClusterEvent.NickChange change) {
                Set<Peer> audience = new LinkedHashSet<>();
                for (String key : change.roomKeys()) {
                    ClusterRoom room = roomsByKey.get(key);
                    if (room != null) {
                        synchronized (room) {
                            room.members.stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                        }
                    }
                }
                EncodedEvent frame = new EncodedEvent(change.json());
                audience.forEach(peer -> peer.send(frame));
            } else if (event instanceof ClusterEvent.Whisper whisper) {
                ChatUser recipient = usersByNickKey.get(whisper.nickKey());
                if (recipient != null) {
                    synchronized (recipient) {
                        recipient.deliverWhisper(new EncodedEvent(whisper.json()), clock.millis(), limits.recentWhispers());
                    }
                }
            } else if (event instanceof ClusterEvent.Takeover takeover) {
                ChatUser user = usersByOwner.get(takeover.owner());
                if (user != null) {
                    Peer previous;
                    synchronized (user) {
                        previous = user.peer();
                        forget(user, false);
                    }
                    previous.close(CloseCodes.REPLACED, "resumed on another server");
                }
            }
        } catch (RuntimeException e) {
            log.error("A cluster event could not be handled: {}", event, e);
        }
    }

    private void onRoomMessage(ClusterEvent.RoomMessage message) {
        ClusterRoom room = roomsByKey.get(message.roomKey());
        if (room == null) {
            return;
        }
        synchronized (room) {
            if (room.isSynced() && message.id() <= room.lastClusterId) {
                return;
            }
            room.waiting.put(message.id(), new EncodedEvent(message.json()));
            if (!room.isSynced()) {
                return;
            }
            showInOrder(room);
            if (!room.waiting.isEmpty()) {
                try {
                    catchUp(room, room.waiting.firstKey() - 1);
                } catch (ClusterStore.Unavailable e) {
                    // The next tick catches up.
                }
            }
        }
    }

    // ---- leases, syncing and sweeping ----

    /** Renews leases; after the store was out of reach (or lost this node), puts this node's state back. */
    void tick() {
        List<ClusterStore.UserLease> leases = new ArrayList<>();
        for (ChatUser user : seats.keySet()) {
            ClusterStore.UserLease lease = leaseOf(user);
            if (lease != null) {
                leases.add(lease);
            }
        }
        try {
            boolean lost = store.renew(leases, leaseMillis, resumeTtlMillis());
            if (lost || !inCluster) {
                syncWithCluster();
                if (!inCluster) {
                    log.info("Node {} is in the cluster: {} users here", node, leases.size());
                }
                inCluster = true;
            }
            for (ClusterStore.SeatChange gone : store.sweepDeadNodes()) {
                log.info("{} left {}: their server stopped renewing its lease", gone.nick(), gone.roomName());
                store.publish(new ClusterEvent.RoomEvent("sweep", gone.roomKey(), codec.encode(
                        new ServerEvent.Presence(gone.roomName(), gone.nick(), ServerEvent.Presence.LEAVE))));
            }
            for (ClusterRoom room : roomsByKey.values()) {
                synchronized (room) {
                    syncRoom(room);
                    catchUp(room, store.lastId(room.key));
                }
            }
        } catch (ClusterStore.Unavailable e) {
            if (inCluster) {
                log.warn("The cluster store is out of reach ({}); serving the {} users here alone until it is back",
                        e.getMessage(), leases.size());
            }
            inCluster = false;
        } catch (RuntimeException e) {
            log.error("Cluster tick failed", e);
        }
    }

    /** Puts this node's seats back in the store, and takes up each room's numbering again. */
    private void syncWithCluster() {
        List<ClusterStore.Seat> mine = new ArrayList<>();
        for (Map.Entry<ChatUser, Seats> entry : seats.entrySet()) {
            String nick = entry.getKey().nick();
            for (ClusterRoom room : entry.getValue().rooms()) {
                mine.add(new ClusterStore.Seat(room.key, room.name, Names.key(nick), entry.getValue().owner(), nick));
            }
        }
        ClusterStore.SyncResult result = store.syncSeats(mine);
        result.removed().forEach(change -> publishPresence(change, ServerEvent.Presence.LEAVE));
        result.added().forEach(change -> publishPresence(change, ServerEvent.Presence.JOIN));
        for (ClusterRoom room : roomsByKey.values()) {
            synchronized (room) {
                syncRoom(room);
                if (!room.isSynced()) {
                    continue;
                }
                // Ids given here while cut off are skipped by the cluster from now on: the other nodes find no
                // message under them and tell their members how many they missed.
                long before = store.raiseLastId(room.key, room.lastShownId);
                catchUp(room, before);
                room.lastClusterId = Math.max(room.lastClusterId, room.lastShownId);
            }
        }
    }

    private void publishPresence(ClusterStore.SeatChange change, String presence) {
        store.publish(new ClusterEvent.RoomEvent(node, change.roomKey(), codec.encode(
                new ServerEvent.Presence(change.roomName(), change.nick(), presence))));
    }

    private void tryStore(Runnable call) {
        try {
            call.run();
        } catch (ClusterStore.Unavailable e) {
            // Best effort: the next renewal or sync sets the store right.
        }
    }
}
