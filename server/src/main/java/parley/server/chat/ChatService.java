package parley.server.chat;

import parley.protocol.CloseCodes;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat's rules and the part of it this server holds: its users under their nicknames, the rooms they are in,
 * and delivery to them. Nicknames here live in one concurrent map (a claim is one atomic {@code putIfAbsent});
 * each room has its own monitor, under which its members change and its events are sent, so that all members of a
 * room see them in one order. Whatever other servers must know goes through the {@link Backplane}: nothing at all
 * for a server alone. Lock order: user, then room; no backplane answer is awaited holding either.
 */
public final class ChatService extends SessionKeeper implements Chat, Backplane.Here, AutoCloseable {
    private static final CompletableFuture<Outcome> DONE = CompletableFuture.completedFuture(Outcome.done());

    private final EventCodec codec;
    private final Backplane backplane;
    private final ConcurrentMap<String, ChatUser> usersByNickKey = new ConcurrentHashMap<>();
    private final Set<ChatUser> users = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Room> roomsByKey = new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();
    private final AtomicLong whisperNumbers = new AtomicLong();

    /** A chat that shares through the backplane; {@link #start} it before use. */
    public ChatService(EventCodec codec, ChatLimits limits, Clock clock, Backplane backplane) {
        super(limits, clock);
        this.codec = codec;
        this.backplane = backplane;
    }

    /** The chat of a server alone, ready to use. */
    public static ChatService alone(EventCodec codec, ChatLimits limits, Clock clock) {
        ChatService chat = new ChatService(codec, limits, clock, Backplane.alone(codec));
        chat.start();
        return chat;
    }

    public void start() {
        backplane.start(this);
    }

    @Override
    public void close() {
        backplane.stop();
    }

    // ---- connections ----

    @Override
    public ChatUser connect(Peer peer) {
        ChatUser user;
        do {
            user = new ChatUser(serials.incrementAndGet(), peer, backplane.guestNick());
        } while (usersByNickKey.putIfAbsent(Names.key(user.nick()), user) != null);
        users.add(user);
        synchronized (user) {
            peer.send(codec.encode(ServerEvent.Welcome.fresh(user.nick(), newResumeToken(user))));
        }
        backplane.arrived(user);
        return user;
    }

    @Override
    public CompletionStage<ChatUser> resume(String resumeToken, Peer peer) {
        if (resumeToken == null) {
            return CompletableFuture.completedFuture(null);
        }
        ChatUser here = usersByResumeToken.get(resumeToken);
        if (here != null) {
            return CompletableFuture.completedFuture(resumeHere(here, resumeToken, peer));
        }
        return backplane.findSession(resumeToken)
                .thenCompose(session -> session == null ? CompletableFuture.<ChatUser>completedFuture(null)
                        : adopt(resumeToken, session, peer))
                .exceptionally(failure -> null);
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
            for (Room room : user.rooms()) {
                synchronized (room) {
                    // Until the client joins again (with "since"), it gets nothing live from the room, so that
                    // what it missed and what follows arrive once each and in order.
                    room.awaitRejoin(user);
                    rooms.add(room.name());
                }
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            peer.send(codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), rooms)));
            held.forEach(peer::send);
        }
        backplane.arrived(user);
        if (previous != peer) {
            previous.close(CloseCodes.REPLACED, "resumed on a newer connection");
        }
        return user;
    }

    /** The user was connected to another server (alive or dead): their nickname and seats move here. */
    private CompletionStage<ChatUser> adopt(String resumeToken, Backplane.Session session, Peer peer) {
        String key = Names.key(session.nick());
        ChatUser user = new ChatUser(serials.incrementAndGet(), peer, session.nick());
        if (usersByNickKey.putIfAbsent(key, user) != null) {
            return CompletableFuture.completedFuture(null);
        }
        return backplane.takeSession(resumeToken, session, user).handle((taken, failure) -> {
            if (failure != null || !taken) {
                usersByNickKey.remove(key, user);
                return CompletableFuture.<ChatUser>completedFuture(null);
            }
            users.add(user);
            List<Room> rooms = new ArrayList<>();
            List<CompletableFuture<List<String>>> seats = new ArrayList<>();
            for (Backplane.RoomRef ref : session.rooms()) {
                Room room = openRoom(ref.key(), ref.name());
                rooms.add(room);
                seats.add(backplane.enter(room, user).toCompletableFuture());
            }
            return CompletableFuture.allOf(seats.toArray(CompletableFuture[]::new))
                    .handle((seated, seatFailure) -> welcomeAdopted(user, rooms));
        }).thenCompose(adopted -> adopted);
    }

    private ChatUser welcomeAdopted(ChatUser user, List<Room> rooms) {
        synchronized (user) {
            List<String> names = new ArrayList<>();
            for (Room room : rooms) {
                synchronized (room) {
                    room.arrived();
                    room.members().add(user);
                    room.awaitRejoin(user);
                    user.rooms().add(room);
                    names.add(room.name());
                }
            }
            names.sort(String.CASE_INSENSITIVE_ORDER);
            user.peer().send(codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), names)));
        }
        backplane.arrived(user);
        return user;
    }

    @Override
    protected void forget(ChatUser user) {
        if (user.isGone()) {
            return;
        }
        user.markGone();
        for (Room room : List.copyOf(user.rooms())) {
            synchronized (room) {
                removeMember(room, user, true);
            }
        }
        usersByNickKey.remove(Names.key(user.nick()), user);
        users.remove(user);
        String token = user.resumeToken();
        retireToken(user);
        backplane.departed(user, user.nick(), token);
    }

    @Override
    protected void tokenRetired(String token) {
        backplane.tokenRetired(token);
    }

    // ---- requests ----

    @Override
    public CompletionStage<Outcome> rename(ChatUser user, String requestedNick) {
        String nick = Names.normalize(requestedNick);
        Outcome invalidNick = ChatRules.checkNick(nick);
        if (invalidNick != null) {
            return CompletableFuture.completedFuture(invalidNick);
        }
        String newKey = Names.key(nick);
        synchronized (user) {
            if (user.isGone() || user.nick().equals(nick)) {
                return DONE;
            }
            if (newKey.equals(Names.key(user.nick()))) {
                return CompletableFuture.completedFuture(applyRename(user, nick));
            }
            if (usersByNickKey.putIfAbsent(newKey, user) != null) {
                return CompletableFuture.completedFuture(ChatRules.nickTaken(nick));
            }
        }
        return backplane.claimNick(user, newKey, nick).handle((claimed, failure) -> {
            if (failure == null && claimed) {
                return applyRename(user, nick);
            }
            usersByNickKey.remove(newKey, user);
            return failure == null ? ChatRules.nickTaken(nick)
                    : unavailable(failure, "nicknames cannot be changed while this server cannot reach the others");
        });
    }

    /** The new nickname is the user's everywhere: it takes it and tells everyone sharing a room. */
    private Outcome applyRename(ChatUser user, String nick) {
        String newKey = Names.key(nick);
        EncodedEvent event;
        String oldKey;
        List<String> roomKeys = new ArrayList<>();
        Set<Peer> audience = new LinkedHashSet<>();
        synchronized (user) {
            String old = user.nick();
            oldKey = Names.key(old);
            if (user.isGone()) {
                usersByNickKey.remove(newKey, user);
                backplane.releaseNick(user, newKey);
                return Outcome.done();
            }
            if (!oldKey.equals(newKey)) {
                usersByNickKey.remove(oldKey, user);
            }
            user.rename(nick);
            event = new EncodedEvent(codec.encode(new ServerEvent.NickChanged(old, nick)));
            audience.add(user.peer());
            for (Room room : user.rooms()) {
                synchronized (room) {
                    roomKeys.add(room.key());
                    room.members().stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                }
            }
        }
        audience.forEach(peer -> peer.send(event));
        backplane.renamed(user, oldKey, roomKeys, event);
        return Outcome.done();
    }

    @Override
    public CompletionStage<Outcome> join(ChatUser user, String requestedRoom, String since) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return CompletableFuture.completedFuture(invalidName);
        }
        long sinceNumber = -1;
        if (since != null) {
            sinceNumber = ChatRules.parseMessageNumber(since);
            if (sinceNumber < 0) {
                return CompletableFuture.completedFuture(ChatRules.badSince());
            }
        }
        Room room;
        boolean newcomer;
        synchronized (user) {
            if (user.isGone()) {
                return DONE;
            }
            room = openRoom(Names.key(name), name);
            newcomer = !user.rooms().contains(room);
            if (newcomer && limits.maxRoomsPerUser() > 0 && user.rooms().size() >= limits.maxRoomsPerUser()) {
                synchronized (room) {
                    room.arrived();
                    closeIfUnused(room);
                }
                return CompletableFuture.completedFuture(ChatRules.tooManyRooms(limits));
            }
        }
        long from = sinceNumber;
        return backplane.enter(room, user).handle((members, failure) -> seat(user, room, from, newcomer, members));
    }

    /** The user is in: it gets {@code joined}, and the other members a presence event if it is new. */
    private Outcome seat(ChatUser user, Room room, long since, boolean newcomer, List<String> everyMember) {
        EncodedEvent presence = null;
        synchronized (user) {
            synchronized (room) {
                room.arrived();
                if (user.isGone()) {
                    closeIfUnused(room);
                    return Outcome.done();
                }
                room.members().add(user);
                room.rejoined(user);
                user.rooms().add(room);
                Room.History history = since < 0 ? new Room.History(room.history(), 0) : room.historySince(since);
                List<String> members = everyMember == null ? room.memberNicks() : sorted(everyMember);
                user.peer().send(codec.encode(new ServerEvent.Joined(
                        room.name(), members, history.messages(), history.missed())));
                if (newcomer) {
                    presence = presence(room, user, ServerEvent.Presence.JOIN);
                    room.sendToListening(presence, user);
                }
            }
        }
        if (presence != null) {
            backplane.joined(room, user, presence);
        }
        return Outcome.done();
    }

    @Override
    public CompletionStage<Outcome> leave(ChatUser user, String requestedRoom) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return CompletableFuture.completedFuture(invalidName);
        }
        String key = Names.key(name);
        synchronized (user) {
            Room room = roomsByKey.get(key);
            if (room != null) {
                synchronized (room) {
                    if (!room.members().contains(user)) {
                        return CompletableFuture.completedFuture(ChatRules.notInRoom(room.name()));
                    }
                    removeMember(room, user, true);
                    user.peer().send(codec.encode(new ServerEvent.Left(room.name())));
                    return DONE;
                }
            }
        }
        return notHere(name, key);
    }

    @Override
    public CompletionStage<Outcome> say(ChatUser user, String requestedRoom, String text) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return CompletableFuture.completedFuture(invalidName);
        }
        Outcome textRefusal = ChatRules.checkText(text, limits);
        if (textRefusal != null) {
            return CompletableFuture.completedFuture(textRefusal);
        }
        String key = Names.key(name);
        Room room = roomsByKey.get(key);
        if (room == null) {
            return notHere(name, key);
        }
        synchronized (room) {
            if (!room.members().contains(user)) {
                return room.isClosed() ? notHere(name, key) : CompletableFuture.completedFuture(ChatRules.notInRoom(room.name()));
            }
        }
        return backplane.post(room, user, text, clock.millis()).thenApply(Outcome::stored);
    }

    /** A room nobody here is in: 403 when it has members on another server, else 404. */
    private CompletionStage<Outcome> notHere(String name, String key) {
        return backplane.existsElsewhere(key).handle((elsewhere, failure) ->
                Boolean.TRUE.equals(elsewhere) ? ChatRules.notInRoom(name) : ChatRules.noSuchRoom(name));
    }

    @Override
    public CompletionStage<Outcome> whisper(ChatUser user, String to, String text) {
        Outcome textRefusal = ChatRules.checkText(text, limits);
        if (textRefusal != null) {
            return CompletableFuture.completedFuture(textRefusal);
        }
        String key = Names.key(Names.normalize(to));
        ChatUser here = usersByNickKey.get(key);
        if (here != null) {
            Whisper whisper = newWhisper(user, here.nick(), text);
            synchronized (here) {
                here.deliverWhisper(whisper.frame(), clock.millis(), limits.recentWhispers());
            }
            return CompletableFuture.completedFuture(echo(user, here, whisper));
        }
        return backplane.nickElsewhere(key).thenCompose(nick -> {
            if (nick == null) {
                return CompletableFuture.completedFuture(ChatRules.noSuchUser(to));
            }
            Whisper whisper = newWhisper(user, nick, text);
            return backplane.whisper(key, whisper.frame()).thenApply(sent -> echo(user, null, whisper));
        }).exceptionally(failure -> unavailable(failure, "whispers to people on other servers cannot be sent just now"));
    }

    private record Whisper(String id, EncodedEvent frame) {
    }

    private Whisper newWhisper(ChatUser from, String to, String text) {
        String id = "w" + backplane.idPrefix() + whisperNumbers.incrementAndGet();
        // One encoding (and one wire frame) serves the recipient and the sender's echo.
        return new Whisper(id, new EncodedEvent(codec.encode(
                new ServerEvent.WhisperMessage(id, from.nick(), to, text, clock.millis()))));
    }

    /** The sender sees its whisper too (unless it whispered to itself, and has it already). */
    private Outcome echo(ChatUser sender, ChatUser recipient, Whisper whisper) {
        if (recipient != sender) {
            synchronized (sender) {
                sender.deliverWhisper(whisper.frame(), clock.millis(), limits.recentWhispers());
            }
        }
        return Outcome.stored(whisper.id());
    }

    @Override
    public CompletionStage<List<ServerEvent.RoomInfo>> rooms() {
        return backplane.rooms(this::roomsHere);
    }

    private List<ServerEvent.RoomInfo> roomsHere() {
        List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
        for (Room room : roomsByKey.values()) {
            synchronized (room) {
                if (!room.members().isEmpty()) {
                    rooms.add(new ServerEvent.RoomInfo(room.name(), room.members().size()));
                }
            }
        }
        rooms.sort(Comparator.comparing(ServerEvent.RoomInfo::name, String.CASE_INSENSITIVE_ORDER));
        return rooms;
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> health = new HashMap<>(backplane.health());
        health.put("users", users.size());
        health.put("rooms", roomsByKey.size());
        return health;
    }

    // ---- what the backplane may ask ----

    @Override
    public Room room(String roomKey) {
        return roomsByKey.get(roomKey);
    }

    @Override
    public Iterable<ChatUser> users() {
        return users;
    }

    @Override
    public void deliverWhisper(String nickKey, EncodedEvent frame) {
        ChatUser recipient = usersByNickKey.get(nickKey);
        if (recipient != null) {
            synchronized (recipient) {
                recipient.deliverWhisper(frame, clock.millis(), limits.recentWhispers());
            }
        }
    }

    @Override
    public void sendToRooms(List<String> roomKeys, EncodedEvent frame) {
        Set<Peer> audience = new LinkedHashSet<>();
        for (String key : roomKeys) {
            Room room = roomsByKey.get(key);
            if (room != null) {
                synchronized (room) {
                    room.members().stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                }
            }
        }
        audience.forEach(peer -> peer.send(frame));
    }

    @Override
    public void letGo(ChatUser user) {
        Peer previous;
        synchronized (user) {
            if (user.isGone()) {
                return;
            }
            previous = user.peer();
            user.markGone();
            for (Room room : List.copyOf(user.rooms())) {
                synchronized (room) {
                    removeMember(room, user, false);
                }
            }
            usersByNickKey.remove(Names.key(user.nick()), user);
            users.remove(user);
            retireToken(user);
        }
        previous.close(CloseCodes.REPLACED, "resumed on another server");
    }

    // ---- rooms ----

    /** The room of this key, opened if need be, with one more join under way. */
    private Room openRoom(String key, String name) {
        while (true) {
            Room room = roomsByKey.computeIfAbsent(key, k -> new Room(name, k, limits.historySize(), limits.resumeBuffer()));
            synchronized (room) {
                if (!room.isClosed()) {
                    room.arriving();
                    return room;
                }
            }
        }
    }

    /** Call holding the user's and the room's monitors; announced, the others see the user leave. */
    private void removeMember(Room room, ChatUser user, boolean announce) {
        room.removeMember(user);
        user.rooms().remove(room);
        EncodedEvent presence = null;
        if (announce) {
            presence = presence(room, user, ServerEvent.Presence.LEAVE);
            room.sendToListening(presence, user);
            backplane.exited(room, user, presence);
        }
        closeIfUnused(room);
    }

    /** Call holding the room's monitor. */
    private void closeIfUnused(Room room) {
        if (room.isUnused() && !room.isClosed()) {
            room.close();
            roomsByKey.remove(room.key(), room);
            backplane.closed(room);
        }
    }

    private EncodedEvent presence(Room room, ChatUser user, String presence) {
        return new EncodedEvent(codec.encode(new ServerEvent.Presence(room.name(), user.nick(), presence)));
    }

    private static List<String> sorted(List<String> nicks) {
        List<String> copy = new ArrayList<>(nicks);
        copy.sort(String.CASE_INSENSITIVE_ORDER);
        return copy;
    }

    private static Outcome unavailable(Throwable failure, String message) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ClusterUnavailable) {
            return Outcome.refused(ErrorReason.CLUSTER_UNAVAILABLE, message);
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException(cause);
    }
}
