package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.List;

/**
 * Everything a server alone holds that its users would miss after a restart: who was here (nickname, resume token,
 * away message, the whispers a resume sends again) and every room (its recent messages and last id, how it
 * is run, its members in the order they came). A server saves it when it stops and takes it back when it starts,
 * so that its users resume as after any dropped connection: nobody sees them leave, and what was said while they
 * were away arrives with {@code join … since}.
 *
 * @param format        {@link #FORMAT}; a saved state of another format is not read
 * @param savedAt       when it was saved (epoch milliseconds)
 * @param lastWhisperId the number of the last whisper, so that a whisper id is never given twice
 */
public record ChatState(int format, long savedAt, long lastWhisperId, List<SavedRoom> rooms, List<SavedUser> users) {
    public static final int FORMAT = 1;

    public ChatState {
        rooms = List.copyOf(rooms);
        users = List.copyOf(users);
    }

    /**
     * @param messages the messages kept for joins with {@code since}, oldest first
     * @param members  nickname keys, longest in the room first (that order picks the next operator)
     */
    public record SavedRoom(String name, long lastId, List<ServerEvent.Message> messages, RoomControl control,
                            List<String> members) {
        public SavedRoom {
            messages = List.copyOf(messages);
            members = List.copyOf(members);
        }
    }

    /**
     * @param droppedAt when the user's connection ended (the server's stop, for those still connected then): the grace
     *                  period runs from there
     * @param whispers  the recent whispers to and from the user, oldest first
     */
    public record SavedUser(String nick, String resumeToken, String away, long connectedAt, long activeAt,
                            long droppedAt, List<SavedWhisper> whispers) {
        public SavedUser {
            whispers = List.copyOf(whispers);
        }
    }

    /** A whisper as it went out: when, and its encoded event. */
    public record SavedWhisper(long sentAt, String event) {
    }
}
