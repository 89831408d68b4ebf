package parley.server.chat;

import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat's rules: every request a user makes, checked and carried out on what this server holds
 * ({@link Directory}), while {@link Sessions} sees to users arriving and leaving. Each room has its own monitor,
 * under which its members change and its events are sent, so that all members of a room see them in one order.
 * Whatever other servers must know goes through the {@link Backplane}: nothing at all for a server alone. Lock
 * order: user, then room; no backplane answer is awaited holding either.
 */
public final class ChatService implements Chat, AutoCloseable {
    private static final CompletableFuture<Outcome> DONE = CompletableFuture.completedFuture(Outcome.done());

    private final Directory here;
    private final Sessions sessions;
    private final EventCodec codec;
    private final ChatLimits limits;
    private final Clock clock;
    private final Backplane backplane;
    private final AtomicLong whisperNumbers = new AtomicLong();

    /** A chat that shares through the backplane; {@link #start} it before use. */
    public ChatService(EventCodec codec, ChatLimits limits, Clock clock, Backplane backplane) {
        this.here = new Directory(codec, limits, clock, backplane);
        this.sessions = new Sessions(here);
        this.codec = codec;
        this.limits = limits;
        this.clock = clock;
        this.backplane = backplane;
    }

    /** The chat of a server alone, ready to use. */
    public static ChatService alone(EventCodec codec, ChatLimits limits, Clock clock) {
        ChatService chat = new ChatService(codec, limits, clock, Backplane.alone(codec));
        chat.start();
        return chat;
    }

    public void start() {
        backplane.start(sessions);
    }

    @Override
    public void close() {
        backplane.stop();
    }

    // ---- comings and goings ----

    @Override
    public ChatUser connect(Peer peer) {
        return sessions.connect(peer);
    }

    @Override
    public CompletionStage<ChatUser> resume(String resumeToken, Peer peer) {
        return sessions.resume(resumeToken, peer);
    }

    @Override
    public void disconnect(ChatUser user, Peer peer) {
        sessions.disconnect(user, peer);
    }

    @Override
    public void drop(ChatUser user, Peer peer) {
        sessions.drop(user, peer);
    }

    @Override
    public void expireDroppedUsers() {
        sessions.expireDroppedUsers();
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
            if (here.usersByNickKey.putIfAbsent(newKey, user) != null) {
                return CompletableFuture.completedFuture(ChatRules.nickTaken(nick));
            }
        }
        return backplane.claimNick(user, newKey, nick).handle((claimed, failure) -> {
            if (failure == null && claimed) {
                return applyRename(user, nick);
            }
            here.usersByNickKey.remove(newKey, user);
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
                here.usersByNickKey.remove(newKey, user);
                backplane.releaseNick(user, newKey);
                return Outcome.done();
            }
            if (!oldKey.equals(newKey)) {
                here.usersByNickKey.remove(oldKey, user);
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
            room = here.openRoom(Names.key(name), name);
            newcomer = !user.rooms().contains(room);
            if (newcomer && limits.maxRoomsPerUser() > 0 && user.rooms().size() >= limits.maxRoomsPerUser()) {
                synchronized (room) {
                    room.arrived();
                    here.closeIfUnused(room);
                }
                return CompletableFuture.completedFuture(ChatRules.tooManyRooms(limits));
            }
        }
        long from = sinceNumber;
        return backplane.enter(room, user).handle((members, failure) -> seat(user, room, from, newcomer, members));
    }

    /** The user is in: it gets {@code joined}, and the other members a presence event if it is new. */
    private Outcome seat(ChatUser user, Room room, long since, boolean newcomer, List<String> membersElsewhere) {
        EncodedEvent presence = null;
        synchronized (user) {
            synchronized (room) {
                room.arrived();
                if (user.isGone()) {
                    here.closeIfUnused(room);
                    return Outcome.done();
                }
                room.members().add(user);
                room.rejoined(user);
                user.rooms().add(room);
                Room.History history = since < 0 ? new Room.History(room.history(), 0) : room.historySince(since);
                List<String> members = room.memberNicks();
                if (membersElsewhere != null && !membersElsewhere.isEmpty()) {
                    members.addAll(membersElsewhere);
                    members.sort(String.CASE_INSENSITIVE_ORDER);
                }
                user.peer().send(codec.encode(new ServerEvent.Joined(
                        room.name(), members, history.messages(), history.missed())));
                if (newcomer) {
                    presence = here.presence(room, user, ServerEvent.Presence.JOIN);
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
            Room room = here.roomsByKey.get(key);
            if (room != null) {
                synchronized (room) {
                    if (!room.members().contains(user)) {
                        return CompletableFuture.completedFuture(ChatRules.notInRoom(room.name()));
                    }
                    here.removeMember(room, user, true);
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
        Room room = here.roomsByKey.get(key);
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
        ChatUser recipient = here.usersByNickKey.get(key);
        if (recipient != null) {
            Whisper whisper = newWhisper(user, recipient.nick(), text);
            synchronized (recipient) {
                recipient.deliverWhisper(whisper.frame(), clock.millis(), limits.recentWhispers());
            }
            return CompletableFuture.completedFuture(echo(user, recipient, whisper));
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
        return backplane.rooms(here::roomsHere);
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> health = new HashMap<>(backplane.health());
        health.put("users", here.users.size());
        health.put("rooms", here.roomsByKey.size());
        return health;
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
