package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server alone carries over a restart: its users and rooms saved as a {@link ChatState} when it stops, and
 * put back when it starts. A restored user is a dropped user like any other: it resumes with its token within the
 * grace period (counted from when its connection ended), or leaves when the period is over.
 */
final class Restarts {
    /** The connection a restored user had before the restart: gone, so nothing reaches it until the user resumes. */
    private static final Peer BEFORE_RESTART = new Peer() {
        @Override
        public String id() {
            return "(before the restart)";
        }

        @Override
        public void send(EncodedEvent event) {
        }

        @Override
        public void close(int closeCode, String reason) {
        }
    };

    private final Directory here;
    private final Sessions sessions;

    Restarts(Directory here, Sessions sessions) {
        this.here = here;
        this.sessions = sessions;
    }

    /** Everything held here now; users still connected count as dropped now. */
    ChatState save(long lastWhisperId) {
        long now = here.clock.millis();
        List<ChatState.SavedRoom> rooms = new ArrayList<>();
        for (Room room : here.roomsByKey.values()) {
            synchronized (room) {
                if (room.isClosed() || room.members().isEmpty()) {
                    continue;
                }
                List<String> members = new ArrayList<>(room.members().size());
                room.members().forEach(member -> members.add(member.nickKey()));
                rooms.add(new ChatState.SavedRoom(room.name(), room.lastId(), room.buffered(), room.control(), members));
            }
        }
        List<ChatState.SavedUser> users = new ArrayList<>();
        for (ChatUser user : here.users) {
            synchronized (user) {
                if (user.isGone() || user.resumeToken() == null) {
                    continue;
                }
                users.add(new ChatState.SavedUser(user.nick(), user.resumeToken(), user.away(), user.connectedAt(),
                        user.activeAt(), user.isDropped() ? user.droppedAt() : now, user.savedWhispers()));
            }
        }
        return new ChatState(ChatState.FORMAT, now, lastWhisperId, rooms, users);
    }

    /**
     * Puts back a saved state into a chat that holds nobody yet. Users whose grace period ran out meanwhile leave at
     * once, as they would have had the server kept running. A user or room that appears twice (a file edited by
     * hand) is taken once.
     *
     * @return how many users wait to resume (those whose grace period has not run out)
     * @throws IllegalArgumentException for a state of another format
     * @throws IllegalStateException    when the chat holds users already
     */
    int restore(ChatState state) {
        if (state.format() != ChatState.FORMAT) {
            throw new IllegalArgumentException("saved state of format " + state.format() + ", this server reads "
                    + ChatState.FORMAT);
        }
        if (!here.users.isEmpty()) {
            throw new IllegalStateException("a saved state is restored before anyone connects");
        }
        Map<String, ChatUser> usersByKey = new HashMap<>();
        for (ChatState.SavedUser saved : state.users()) {
            String nick = Names.normalize(saved.nick());
            // Guests' nicknames are valid here, though nobody may ask for one.
            if (Names.problemWith(nick, Names.MAX_NICK_LENGTH, "a nickname") != null || saved.resumeToken() == null) {
                continue;
            }
            ChatUser user = here.newUser(BEFORE_RESTART, nick, saved.connectedAt());
            if (here.usersByNickKey.putIfAbsent(user.nickKey(), user) != null) {
                continue;
            }
            user.away(saved.away());
            user.active(saved.activeAt());
            // Never connected here: a time from before 1970 (an edited file) would read as connected forever.
            user.markDropped(Math.max(0, saved.droppedAt()));
            for (ChatState.SavedWhisper whisper : saved.whispers()) {
                user.keepWhisper(new EncodedEvent(whisper.event()), whisper.sentAt(), here.limits.recentWhispers());
            }
            here.users.add(user);
            sessions.restored(user, saved.resumeToken());
            usersByKey.put(user.nickKey(), user);
        }
        for (ChatState.SavedRoom saved : state.rooms()) {
            restoreRoom(saved, usersByKey);
        }
        sessions.expireDroppedUsers();
        return here.users.size();
    }

    private void restoreRoom(ChatState.SavedRoom saved, Map<String, ChatUser> usersByKey) {
        String name = Names.normalize(saved.name());
        if (ChatRules.checkRoomName(name) != null) {
            return;
        }
        String key = Names.key(name);
        if (here.roomsByKey.containsKey(key)) {
            return;
        }
        Room room = new Room(name, key, here.limits.historySize(), here.limits.resumeBuffer());
        synchronized (room) {
            List<ServerEvent.Message> messages = saved.messages().stream()
                    .filter(message -> isIdUpTo(message.id(), saved.lastId()))
                    .toList();
            room.seed(saved.lastId(), messages);
            room.control(saved.control() == null ? RoomControl.NONE : saved.control());
            for (String memberKey : saved.members()) {
                ChatUser member = usersByKey.get(memberKey);
                if (member != null && member.rooms().size() < maxRooms()) {
                    room.members().add(member);
                    member.rooms().add(room);
                }
            }
            if (!room.members().isEmpty()) {
                here.roomsByKey.put(key, room);
            }
        }
    }

    /** Whether a message id is one this server gives (a positive number) and not above the room's last. */
    private static boolean isIdUpTo(String id, long lastId) {
        try {
            long number = Long.parseLong(id);
            return number > 0 && number <= lastId;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private int maxRooms() {
        return here.limits.maxRoomsPerUser() == 0 ? Integer.MAX_VALUE : here.limits.maxRoomsPerUser();
    }
}
