package parley.server.chat;

import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

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

    Directory(EventCodec codec, ChatLimits limits, Clock clock, Backplane backplane) {
        this.codec = codec;
        this.limits = limits;
        this.clock = clock;
        this.backplane = backplane;
    }

    /** A new user here, not yet under its nickname. */
    ChatUser newUser(Peer peer, String nick) {
        return new ChatUser(serials.incrementAndGet(), peer, nick);
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

    /** Call holding the user's and the room's monitors; announced, the others see the user leave. */
    void removeMember(Room room, ChatUser user, boolean announce) {
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
