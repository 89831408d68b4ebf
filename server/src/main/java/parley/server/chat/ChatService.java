package parley.server.chat;

import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final Moderation moderation;
    private final Whereabouts whereabouts;
    private final Administration administration;
    private final Restarts restarts;
    private final EventCodec codec;
    private final ChatLimits limits;
    private final Clock clock;
    private final Backplane backplane;
    private final AtomicLong whisperNumbers = new AtomicLong();

    /** A chat that shares through the backplane; {@link #start} it before use. */
    public ChatService(EventCodec codec, ChatLimits limits, Clock clock, Backplane backplane) {
        this.here = new Directory(codec, limits, clock, backplane);
        this.sessions = new Sessions(here);
        this.moderation = new Moderation(here);
        this.whereabouts = new Whereabouts(here);
        this.administration = new Administration(here, sessions, (String) backplane.health().get("node"));
        this.restarts = new Restarts(here, sessions);
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

    @Override
    public void announce(double ratePerSecond, int burst, int maxFrameBytes) {
        here.announced = new ServerEvent.Limits(limits.maxTextLength(), ChatRules.MAX_LINE_LENGTH,
                limits.maxRoomsPerUser(), ratePerSecond, burst, maxFrameBytes);
    }

    public void start() {
        backplane.start(sessions);
    }

    @Override
    public void close() {
        backplane.stop();
    }

    // ---- restarts of a server alone ----

    /** Everything this server holds, to {@linkplain #restore restore} after a restart; connected users count as dropped. */
    public ChatState save() {
        return restarts.save(whisperNumbers.get());
    }

    /**
     * Puts back what a stopped server saved, before anyone connects: its users resume as after a dropped connection.
     *
     * @return how many users wait to resume (the others' grace period ran out while the server was down)
     * @throws IllegalArgumentException for a state of another format
     */
    public int restore(ChatState state) {
        int waiting = restarts.restore(state);
        whisperNumbers.accumulateAndGet(state.lastWhisperId(), Math::max);
        return waiting;
    }

    /** How many users have a live connection here (the others wait to resume). */
    public int connectedUsers() {
        return sessions.connectedUsers();
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
            if (newKey.equals(user.nickKey())) {
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
        Set<Peer> audience;
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
            audience = here.audienceOf(user, roomKeys);
            for (Room room : user.rooms()) {
                synchronized (room) {
                    if (room.control().roleOf(oldKey) != null && !oldKey.equals(newKey)) {
                        here.changeControl(room, control -> control.renamed(oldKey, newKey), List.of(), null);
                    }
                }
            }
        }
        audience.forEach(peer -> peer.send(event));
        backplane.renamed(user, oldKey, roomKeys, event);
        return Outcome.done();
    }

    @Override
    public CompletionStage<Outcome> join(ChatUser user, String requestedRoom, String since, String key) {
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
        return backplane.enter(room, user).handle((members, failure) -> seat(user, room, from, newcomer, members, key));
    }

    /**
     * The user is in, unless the room keeps them out (only a newcomer is checked: a member catching up is in
     * already): it gets {@code joined}, and the other members a presence event if it is new. The first member of a
     * room is its operator.
     */
    private Outcome seat(ChatUser user, Room room, long since, boolean newcomer, Backplane.Members elsewhere, String key) {
        EncodedEvent presence = null;
        synchronized (user) {
            synchronized (room) {
                room.arrived();
                if (user.isGone()) {
                    here.closeIfUnused(room);
                    return Outcome.done();
                }
                String nickKey = user.nickKey();
                Outcome refusal = newcomer ? ChatRules.admission(room.control(), room.name(), nickKey,
                        user.peer().address(), key, clock.millis()) : null;
                if (refusal != null) {
                    backplane.exited(room, user, null);
                    here.closeIfUnused(room);
                    return refusal;
                }
                boolean creates = room.members().isEmpty() && (elsewhere == null || elsewhere.nicks().isEmpty());
                room.members().add(user);
                room.rejoined(user);
                user.rooms().add(room);
                if (creates) {
                    here.changeControl(room, control -> control.withRole(nickKey, ServerEvent.OPERATOR), List.of(), null);
                } else if (newcomer && room.control().invitations().containsKey(nickKey)) {
                    here.changeControl(room, control -> control.withoutInvitation(nickKey), List.of(), null);
                }
                user.peer().send(codec.encode(room.joined(since, elsewhere)));
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
        return here.notHere(name, key);
    }

    @Override
    public CompletionStage<Outcome> say(ChatUser user, String requestedRoom, String text, String kind) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return CompletableFuture.completedFuture(invalidName);
        }
        Outcome refusal = ChatRules.checkText(text, limits);
        if (refusal == null) {
            refusal = ChatRules.checkKind(kind);
        }
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        return here.asMember(user, name, room -> {
            RoomControl control = room.control();
            return control.moderated() && !control.mayAlwaysSpeak(user.nickKey())
                    ? Outcome.refused(ErrorReason.MODERATED, room.name() + " is moderated: only operators and voiced members may speak")
                    : null;
        }, room -> {
            becameActive(user);
            return backplane.post(room, user, text, kind, clock.millis()).thenApply(Outcome::stored);
        });
    }

    private void becameActive(ChatUser user) {
        user.active(clock.millis());
        backplane.active(user);
    }

    @Override
    public CompletionStage<Outcome> whisper(ChatUser user, String to, String text, String kind) {
        Outcome refusal = ChatRules.checkText(text, limits);
        if (refusal == null) {
            refusal = ChatRules.checkKind(kind);
        }
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        becameActive(user);
        String key = Names.key(Names.normalize(to));
        ChatUser recipient = here.usersByNickKey.get(key);
        if (recipient != null) {
            Whisper whisper = newWhisper(user, recipient.nick(), text, kind);
            synchronized (recipient) {
                recipient.deliverWhisper(whisper.frame(), clock.millis(), limits.recentWhispers());
            }
            return CompletableFuture.completedFuture(echo(user, recipient, whisper, recipient.away()));
        }
        CompletionStage<Backplane.Profile> profile = backplane.profileElsewhere(key).exceptionally(failure -> null);
        return backplane.nickElsewhere(key).thenCompose(nick -> {
            if (nick == null) {
                return CompletableFuture.completedFuture(ChatRules.noSuchUser(to));
            }
            Whisper whisper = newWhisper(user, nick, text, kind);
            return backplane.whisper(key, whisper.frame()).thenCombine(profile,
                    (sent, holder) -> echo(user, null, whisper, holder == null ? null : holder.away()));
        }).exceptionally(failure -> unavailable(failure, "whispers to people on other servers cannot be sent just now"));
    }

    private record Whisper(String id, EncodedEvent frame) {
    }

    private Whisper newWhisper(ChatUser from, String to, String text, String kind) {
        String id = "w" + backplane.idPrefix() + whisperNumbers.incrementAndGet();
        // One encoding (and one wire frame) serves the recipient and the sender's echo.
        return new Whisper(id, new EncodedEvent(codec.encode(
                new ServerEvent.WhisperMessage(id, from.nick(), to, text, clock.millis(), kind))));
    }

    /** The sender sees its whisper too (unless it whispered to itself, and has it already). */
    private Outcome echo(ChatUser sender, ChatUser recipient, Whisper whisper, String recipientAway) {
        if (recipient != sender) {
            synchronized (sender) {
                sender.deliverWhisper(whisper.frame(), clock.millis(), limits.recentWhispers());
            }
        }
        return Outcome.stored(whisper.id(), recipientAway);
    }

    // ---- running rooms, and what people learn of each other ----

    @Override
    public CompletionStage<Outcome> topic(ChatUser user, String room, String topic) {
        return moderation.topic(user, room, topic);
    }

    @Override
    public CompletionStage<Outcome> role(ChatUser user, String room, String nick, String role) {
        return moderation.role(user, room, nick, role);
    }

    @Override
    public CompletionStage<Outcome> kick(ChatUser user, String room, String nick, String reason) {
        return moderation.kick(user, room, nick, reason);
    }

    @Override
    public CompletionStage<Outcome> ban(ChatUser user, String room, String nick, String reason) {
        return moderation.ban(user, room, nick, reason);
    }

    @Override
    public CompletionStage<Outcome> unban(ChatUser user, String room, String nick) {
        return moderation.unban(user, room, nick);
    }

    @Override
    public CompletionStage<Outcome> bans(ChatUser user, String room) {
        return moderation.bans(user, room);
    }

    @Override
    public CompletionStage<Outcome> mode(ChatUser user, String room, Boolean topicLocked, Boolean moderated,
                                         Boolean inviteOnly, String key) {
        return moderation.mode(user, room, topicLocked, moderated, inviteOnly, key);
    }

    @Override
    public CompletionStage<Outcome> invite(ChatUser user, String room, String nick) {
        return moderation.invite(user, room, nick);
    }

    @Override
    public CompletionStage<Outcome> away(ChatUser user, String message) {
        return whereabouts.away(user, message);
    }

    @Override
    public CompletionStage<Outcome> whois(ChatUser user, String nick) {
        return whereabouts.whois(user, nick);
    }

    // ---- administrators ----

    @Override
    public CompletionStage<List<Administration.User>> users() {
        return administration.users();
    }

    @Override
    public CompletionStage<List<Administration.RoomSummary>> roomSummaries() {
        return administration.rooms();
    }

    @Override
    public CompletionStage<Boolean> remove(String nick, String reason) {
        return administration.remove(nick, reason);
    }

    @Override
    public CompletionStage<Outcome> notice(String text, String room) {
        return administration.notice(text, room);
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
