package parley.server.chat;

import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Who and what this server holds: its users under their nicknames and its rooms, with the few steps that change
 * rooms. Shared by the chat's requests ({@link ChatService}) and its comings and goings ({@link Sessions}).
 * Nicknames live in one concurrent map: a claim is one atomic {@code putIfAbsent}.
 */
final class Directory {
    final EventCodec codec;
    final ChatLimits limits;
    final Clock clock;
    final Backplane backplane;
    final ConcurrentMap<String, ChatUser> usersByNickKey = new ConcurrentHashMap<>();
    final Set<ChatUser> users = ConcurrentHashMap.newKeySet();
    final ConcurrentMap<String, Room> roomsByKey = new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();
    /** The limits {@code welcome} announces. */
    volatile ServerEvent.Limits announced;

    Directory(EventCodec codec, ChatLimits limits, Clock clock, Backplane backplane) {
        this.codec = codec;
        this.limits = limits;
        this.clock = clock;
        this.backplane = backplane;
        this.announced = new ServerEvent.Limits(limits.maxTextLength(), ChatRules.MAX_LINE_LENGTH,
                limits.maxRoomsPerUser(), 0, 0, 0);
    }

    /** A new user here, not yet under its nickname. */
    ChatUser newUser(Peer peer, String nick) {
        return newUser(peer, nick, clock.millis());
    }

    /** A user connected since {@code connectedAt} (a saved state's), not yet under its nickname. */
    ChatUser newUser(Peer peer, String nick, long connectedAt) {
        return new ChatUser(serials.incrementAndGet(), peer, nick, connectedAt);
    }

    /** The room of this key, opened if need be, with one more join under way. */
    Room openRoom(String key, String name) {
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

    /**
     * Call holding the user's and the room's monitors. Announced, the user left (or was dropped for good): the others
     * see them leave, and their role goes. Not announced, the user moves to another server with role and seat.
     */
    void removeMember(Room room, ChatUser user, boolean announce) {
        room.removeMember(user);
        user.rooms().remove(room);
        if (announce) {
            EncodedEvent presence = presence(room, user, ServerEvent.Presence.LEAVE);
            room.sendToListening(presence, user);
            backplane.exited(room, user, presence);
            dropRole(room, user.nickKey());
        }
        closeIfUnused(room);
    }

    /**
     * Call holding the user's and the room's monitors: the user is put out of the room (kicked or banned) after
     * everyone saw why; no presence event follows.
     */
    void evict(Room room, ChatUser user) {
        room.removeMember(user);
        user.rooms().remove(room);
        backplane.exited(room, user, null);
        dropRole(room, user.nickKey());
        closeIfUnused(room);
    }

    /** Call holding the room's monitor: applies a change of control here and shares it; completes once shared. */
    CompletionStage<Void> changeControl(Room room, RoomControl.Change change,
                                                             List<EncodedEvent> events, String evictNickKey) {
        room.control(change.apply(room.control()));
        events.forEach(event -> room.sendToListening(event, null));
        return backplane.controlChanged(room, change, events, evictNickKey);
    }

    /**
     * Call holding the room's monitor: a member who left loses their role, and when no operator is left, the
     * member who has been in the room longest becomes one.
     */
    void dropRole(Room room, String nickKey) {
        if (room.control().roleOf(nickKey) == null) {
            return;
        }
        changeControl(room, control -> control.withRole(nickKey, null), List.of(), null);
        if (!room.control().hasOperator()) {
            promoteLongestMember(room);
        }
    }

    /** Call holding the room's monitor. */
    private void promoteLongestMember(Room room) {
        String longestHere = room.members().isEmpty() ? null : room.members().iterator().next().nick();
        backplane.longestMember(room, longestHere).thenAccept(nick -> {
            if (nick == null) {
                return;
            }
            synchronized (room) {
                String nickKey = Names.key(nick);
                if (!room.isClosed() && !room.control().hasOperator()) {
                    EncodedEvent promoted = new EncodedEvent(codec.encode(
                            new ServerEvent.RoleChanged(room.name(), nick, ServerEvent.OPERATOR, null)));
                    changeControl(room, control -> control.withRole(nickKey, ServerEvent.OPERATOR), List.of(promoted), null);
                }
            }
        });
    }

    /**
     * Runs {@code action} on the room of this (normalized, valid) name when the user is a member of it here and
     * {@code check}, run holding the room's monitor, refuses nothing (returns null); else the refusal: 403 or 404 for
     * a room the user is not in, or what {@code check} returned.
     */
    CompletionStage<Outcome> asMember(ChatUser user, String name,
                                                           Function<Room, Outcome> check,
                                                           Function<Room, CompletionStage<Outcome>> action) {
        String key = Names.key(name);
        Room room = roomsByKey.get(key);
        if (room == null) {
            return notHere(name, key);
        }
        synchronized (room) {
            if (!room.members().contains(user)) {
                return room.isClosed() ? notHere(name, key)
                        : CompletableFuture.completedFuture(ChatRules.notInRoom(room.name()));
            }
            Outcome refusal = check.apply(room);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
        }
        return action.apply(room);
    }

    /** A room nobody here is in: 403 when it has members on another server, else 404. */
    CompletionStage<Outcome> notHere(String name, String key) {
        return backplane.existsElsewhere(key).handle((elsewhere, failure) ->
                Boolean.TRUE.equals(elsewhere) ? ChatRules.notInRoom(name) : ChatRules.noSuchRoom(name));
    }

    /** Call holding the user's monitor: the user's connection and those of everyone sharing a room with them. */
    Set<Peer> audienceOf(ChatUser user, List<String> roomKeys) {
        Set<Peer> audience = new LinkedHashSet<>();
        audience.add(user.peer());
        for (Room room : user.rooms()) {
            synchronized (room) {
                roomKeys.add(room.key());
                room.members().stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
            }
        }
        return audience;
    }

    /** Call holding the room's monitor. */
    void closeIfUnused(Room room) {
        if (room.isUnused() && !room.isClosed()) {
            room.close();
            roomsByKey.remove(room.key(), room);
            backplane.closed(room);
        }
    }

    EncodedEvent presence(Room room, ChatUser user, String presence) {
        return new EncodedEvent(codec.encode(new ServerEvent.Presence(room.name(), user.nick(), presence)));
    }

    /** The rooms with members here, sorted by name. */
    List<ServerEvent.RoomInfo> roomsHere() {
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
}
