package parley.server.chat;

import parley.protocol.CloseCodes;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat held in this process's memory. Nicknames live in one concurrent map (a claim is one atomic
 * {@code putIfAbsent}); each room has its own monitor, under which its id counter, buffer and member list
 * change and its deliveries are queued, so all members of a room see its events in the same order.
 */
public final class LocalChat extends SessionKeeper implements Chat {
    private final EventCodec codec;
    private final ConcurrentMap<String, ChatUser> usersByNickKey = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Room> roomsByKey = new ConcurrentHashMap<>();
    private final AtomicLong guestNumbers = new AtomicLong();
    private final AtomicLong whisperNumbers = new AtomicLong();

    public LocalChat(EventCodec codec, ChatLimits limits, Clock clock) {
        super(limits, clock);
        this.codec = codec;
    }

    @Override
    public ChatUser connect(Peer peer) {
        ChatUser user;
        String nick;
        do {
            nick = Names.GUEST_PREFIX + guestNumbers.incrementAndGet();
            user = new ChatUser(peer, nick);
        } while (usersByNickKey.putIfAbsent(Names.key(nick), user) != null);
        synchronized (user) {
            peer.send(codec.encode(ServerEvent.Welcome.fresh(nick, newResumeToken(user))));
        }
        return user;
    }

    @Override
    public ChatUser resume(String resumeToken, Peer peer) {
        ChatUser user = resumeToken == null ? null : usersByResumeToken.get(resumeToken);
        if (user == null) {
            return null;
        }
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
                }
                rooms.add(room.name());
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            peer.send(codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), rooms)));
            held.forEach(peer::send);
        }
        if (previous != peer) {
            previous.close(CloseCodes.REPLACED, "resumed on a newer connection");
        }
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
                removeMember(room, user);
            }
        }
        usersByNickKey.remove(Names.key(user.nick()), user);
        retireToken(user);
    }

    @Override
    public Outcome rename(ChatUser user, String requestedNick) {
        String nick = Names.normalize(requestedNick);
        Outcome invalidNick = ChatRules.checkNick(nick);
        if (invalidNick != null) {
            return invalidNick;
        }
        EncodedEvent event;
        Set<Peer> audience = new LinkedHashSet<>();
        synchronized (user) {
            String old = user.nick();
            if (old.equals(nick) || user.isGone()) {
                return Outcome.done();
            }
            String oldKey = Names.key(old);
            String newKey = Names.key(nick);
            if (!newKey.equals(oldKey)) {
                ChatUser holder = usersByNickKey.putIfAbsent(newKey, user);
                if (holder != null) {
                    return ChatRules.nickTaken(nick);
                }
                usersByNickKey.remove(oldKey, user);
            }
            user.rename(nick);
            event = new EncodedEvent(codec.encode(new ServerEvent.NickChanged(old, nick)));
            audience.add(user.peer());
            for (Room room : user.rooms()) {
                synchronized (room) {
                    room.members().stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                }
            }
        }
        audience.forEach(peer -> peer.send(event));
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
        String key = Names.key(name);
        synchronized (user) {
            if (user.isGone()) {
                return Outcome.done();
            }
            while (true) {
                Room room = roomsByKey.computeIfAbsent(key,
                        k -> new Room(name, k, limits.historySize(), limits.resumeBuffer()));
                synchronized (room) {
                    if (room.isClosed()) {
                        continue;
                    }
                    boolean newcomer = !room.members().contains(user);
                    if (newcomer && limits.maxRoomsPerUser() > 0 && user.rooms().size() >= limits.maxRoomsPerUser()) {
                        return ChatRules.tooManyRooms(limits);
                    }
                    room.members().add(user);
                    room.rejoined(user);
                    user.rooms().add(room);
                    Room.History history = since == null ? new Room.History(room.history(), 0)
                            : room.historySince(sinceNumber);
                    user.peer().send(codec.encode(new ServerEvent.Joined(
                            room.name(), room.memberNicks(), history.messages(), history.missed())));
                    if (newcomer) {
                        sendToOthers(room, user, new ServerEvent.Presence(room.name(), user.nick(), ServerEvent.Presence.JOIN));
                    }
                    return Outcome.done();
                }
            }
        }
    }

    @Override
    public Outcome leave(ChatUser user, String requestedRoom) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return invalidName;
        }
        synchronized (user) {
            Room room = roomsByKey.get(Names.key(name));
            if (room == null) {
                return ChatRules.noSuchRoom(name);
            }
            synchronized (room) {
                if (!room.members().contains(user)) {
                    return ChatRules.notInRoom(room.name());
                }
                removeMember(room, user);
                user.peer().send(codec.encode(new ServerEvent.Left(room.name())));
                return Outcome.done();
            }
        }
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
        Room room = roomsByKey.get(Names.key(name));
        if (room == null) {
            return ChatRules.noSuchRoom(name);
        }
        synchronized (room) {
            if (!room.members().contains(user)) {
                return room.isClosed() ? ChatRules.noSuchRoom(name) : ChatRules.notInRoom(room.name());
            }
            ServerEvent.Message message = room.store(user.nick(), text, clock.millis());
            // Encoded once; every member gets the same event. Dropped members' peers discard it: they
            // catch up from the room's buffer with "since" when they resume.
            EncodedEvent frame = new EncodedEvent(codec.encode(message));
            for (ChatUser member : room.members()) {
                if (room.isListening(member)) {
                    member.peer().send(frame);
                }
            }
            return Outcome.stored(message.id());
        }
    }

    @Override
    public Outcome whisper(ChatUser user, String to, String text) {
        Outcome textRefusal = ChatRules.checkText(text, limits);
        if (textRefusal != null) {
            return textRefusal;
        }
        ChatUser recipient = usersByNickKey.get(Names.key(Names.normalize(to)));
        if (recipient == null) {
            return ChatRules.noSuchUser(to);
        }
        String id = "w" + whisperNumbers.incrementAndGet();
        long now = clock.millis();
        // One encoding (and one wire frame) serves the recipient and the sender's echo.
        var frame = new EncodedEvent(codec.encode(
                new ServerEvent.WhisperMessage(id, user.nick(), recipient.nick(), text, now)));
        synchronized (recipient) {
            recipient.deliverWhisper(frame, now, limits.recentWhispers());
        }
        if (recipient != user) {
            synchronized (user) {
                user.deliverWhisper(frame, now, limits.recentWhispers());
            }
        }
        return Outcome.stored(id);
    }

    @Override
    public Map<String, Object> health() {
        return Map.of("mode", "single", "users", usersByNickKey.size(), "rooms", roomsByKey.size());
    }

    @Override
    public List<ServerEvent.RoomInfo> rooms() {
        List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
        for (Room room : roomsByKey.values()) {
            synchronized (room) {
                if (!room.isClosed()) {
                    rooms.add(new ServerEvent.RoomInfo(room.name(), room.members().size()));
                }
            }
        }
        rooms.sort(Comparator.comparing(ServerEvent.RoomInfo::name, String.CASE_INSENSITIVE_ORDER));
        return rooms;
    }

    /** Call holding the user's and the room's monitors. */
    private void removeMember(Room room, ChatUser user) {
        room.removeMember(user);
        user.rooms().remove(room);
        sendToOthers(room, user, new ServerEvent.Presence(room.name(), user.nick(), ServerEvent.Presence.LEAVE));
        if (room.members().isEmpty()) {
            room.close();
            roomsByKey.remove(room.key(), room);
        }
    }

    private void sendToOthers(Room room, ChatUser user, ServerEvent event) {
        EncodedEvent frame = new EncodedEvent(codec.encode(event));
        for (ChatUser member : room.members()) {
            if (member != user && room.isListening(member)) {
                member.peer().send(frame);
            }
        }
    }
}
