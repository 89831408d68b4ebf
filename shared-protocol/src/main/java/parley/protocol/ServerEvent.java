package parley.protocol;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.util.List;

/**
 * Everything the server may send: facts ({@link Message}, {@link Presence}, ...) and answers
 * ({@link Ok}, {@link Error}). The JSON field {@code "type"} holds the alias; aliases are public
 * (PROTOCOL.md) and are never renamed. Null fields are left out of the JSON.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "welcome", type = ServerEvent.Welcome.class),
        @JsonbSubtype(alias = "ok", type = ServerEvent.Ok.class),
        @JsonbSubtype(alias = "error", type = ServerEvent.Error.class),
        @JsonbSubtype(alias = "nick_changed", type = ServerEvent.NickChanged.class),
        @JsonbSubtype(alias = "joined", type = ServerEvent.Joined.class),
        @JsonbSubtype(alias = "left", type = ServerEvent.Left.class),
        @JsonbSubtype(alias = "presence", type = ServerEvent.Presence.class),
        @JsonbSubtype(alias = "message", type = ServerEvent.Message.class),
        @JsonbSubtype(alias = "whisper", type = ServerEvent.WhisperMessage.class),
        @JsonbSubtype(alias = "room_list", type = ServerEvent.RoomList.class),
        @JsonbSubtype(alias = "missed", type = ServerEvent.Missed.class),
        @JsonbSubtype(alias = "auth_required", type = ServerEvent.AuthRequired.class)})
public sealed interface ServerEvent {

    /** Protocol version spoken by this codec, announced in {@link Welcome}. */
    int PROTOCOL_VERSION = 1;

    /**
     * First event on every connection: the user's nickname, a token to resume this session after a dropped
     * connection, whether this connection resumed one, and (when it did) the rooms the user is still in.
     */
    record Welcome(String nick, int version, String resume, boolean resumed, List<String> rooms) implements ServerEvent {
        public static Welcome fresh(String nick, String resumeToken) {
            return new Welcome(nick, PROTOCOL_VERSION, resumeToken, false, null);
        }

        public static Welcome resumed(String nick, String resumeToken, List<String> rooms) {
            return new Welcome(nick, PROTOCOL_VERSION, resumeToken, true, rooms);
        }
    }

    /** Success of a request that carried a {@code ref}; {@code id} is set where a message was stored. */
    record Ok(String ref, String id) implements ServerEvent { }

    /**
     * A refused request. {@code code} follows HTTP (400, 403, 404, 409, 413, 429); {@code reason} is a
     * stable machine-readable word ({@link ErrorReason}); {@code message} is for people.
     */
    record Error(String ref, int code, String reason, String message, Long retryAfterMs) implements ServerEvent {
        public static Error of(String ref, ErrorReason reason, String message) {
            return new Error(ref, reason.code(), reason.name(), message, null);
        }

        /** A refusal that says how long to wait before trying again (rate limits). */
        public static Error retryLater(String ref, ErrorReason reason, String message, long retryAfterMs) {
            return new Error(ref, reason.code(), reason.name(), message, retryAfterMs);
        }
    }

    /** A nickname change, sent to the renamed client and everyone sharing a room with it. */
    record NickChanged(String old, @JsonbProperty("new") String newNick) implements ServerEvent { }

    /**
     * To the joiner: the room's canonical name, its members and its recent history, oldest first. After a join
     * with {@code since}, the history is every buffered message after that id, and {@code missed} counts the
     * messages after it that are no longer buffered.
     */
    record Joined(String room, List<String> members, List<Message> history, int missed) implements ServerEvent { }

    /** To the leaver. */
    record Left(String room) implements ServerEvent { }

    /** To the other members of a room when someone joins or leaves it. */
    record Presence(String room, String nick, String event) implements ServerEvent {
        public static final String JOIN = "join";
        public static final String LEAVE = "leave";
    }

    /** A room message, to every member, the sender included. Ids increase by one within a room. */
    record Message(String id, String room, String from, String text, long ts) implements ServerEvent { }

    /** A private message, to its recipient and echoed to its sender only. */
    record WhisperMessage(String id, String from, String to, String text, long ts) implements ServerEvent { }

    /**
     * To the members of a room: {@code count} messages of the room cannot reach them and will not arrive (in a
     * cluster, when nodes could not reach each other). The next message ids of the room skip past them.
     */
    record Missed(String room, int count) implements ServerEvent { }

    /**
     * First event on a connection to a server with a password, before {@link Welcome}: the client must answer
     * with {@code auth}.
     */
    record AuthRequired() implements ServerEvent { }

    /** The rooms that have members, sorted by name. */
    record RoomList(List<RoomInfo> rooms) implements ServerEvent { }

    /** One row of {@link RoomList}. */
    record RoomInfo(String name, int members) { }
}
