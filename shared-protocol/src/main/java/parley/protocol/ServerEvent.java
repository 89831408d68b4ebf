package parley.protocol;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

import java.util.List;
import java.util.Map;

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
        @JsonbSubtype(alias = "auth_required", type = ServerEvent.AuthRequired.class),
        @JsonbSubtype(alias = "topic", type = ServerEvent.TopicChanged.class),
        @JsonbSubtype(alias = "away", type = ServerEvent.AwayChanged.class),
        @JsonbSubtype(alias = "whois", type = ServerEvent.WhoisReply.class),
        @JsonbSubtype(alias = "role", type = ServerEvent.RoleChanged.class),
        @JsonbSubtype(alias = "kicked", type = ServerEvent.Kicked.class),
        @JsonbSubtype(alias = "banned", type = ServerEvent.Banned.class),
        @JsonbSubtype(alias = "unbanned", type = ServerEvent.Unbanned.class),
        @JsonbSubtype(alias = "ban_list", type = ServerEvent.BanList.class),
        @JsonbSubtype(alias = "mode", type = ServerEvent.ModeChanged.class),
        @JsonbSubtype(alias = "invited", type = ServerEvent.Invited.class),
        @JsonbSubtype(alias = "notice", type = ServerEvent.Notice.class)})
public sealed interface ServerEvent {

    /** Protocol version spoken by this codec, announced in {@link Welcome}. */
    int PROTOCOL_VERSION = 1;

    /** What this server does beyond the first version of the protocol, announced in {@link Welcome#features}. */
    List<String> FEATURES = List.of("topic", "action", "away", "whois", "moderation");

    /**
     * First event on every connection: the user's nickname, a token to resume this session after a dropped
     * connection, whether this connection resumed one, (when it did) the rooms the user is still in, what the
     * server can do beyond version 1 and its limits.
     */
    record Welcome(String nick, int version, String resume, boolean resumed, List<String> rooms, List<String> features,
                   Limits limits) implements ServerEvent {
        public static Welcome fresh(String nick, String resumeToken, Limits limits) {
            return new Welcome(nick, PROTOCOL_VERSION, resumeToken, false, null, FEATURES, limits);
        }

        public static Welcome resumed(String nick, String resumeToken, List<String> rooms, Limits limits) {
            return new Welcome(nick, PROTOCOL_VERSION, resumeToken, true, rooms, FEATURES, limits);
        }
    }

    /**
     * The limits a client meets, announced in {@link Welcome}: text and topic lengths in characters, rooms per user
     * (0: no limit), requests per second and at once (0: no limit) and the largest frame in bytes.
     */
    record Limits(int maxText, int maxTopic, int maxRooms, double ratePerSecond, int burst, int maxFrameBytes) { }

    /**
     * Success of a request that carried a {@code ref}; {@code id} is set where a message was stored, {@code away}
     * when a whisper went to someone away.
     */
    record Ok(String ref, String id, String away) implements ServerEvent {
        /** The constructor JSON-B reads with. */
        @JsonbCreator
        public Ok {
        }

        public Ok(String ref, String id) {
            this(ref, id, null);
        }
    }

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
    record Joined(String room, List<String> members, List<Message> history, int missed, TopicInfo topic,
                  Map<String, String> away, Map<String, String> roles, Modes modes) implements ServerEvent {
        /** The constructor JSON-B reads with. */
        @JsonbCreator
        public Joined {
        }

        public Joined(String room, List<String> members, List<Message> history, int missed) {
            this(room, members, history, missed, null, null, null, Modes.NONE);
        }
    }

    /** A room's topic: its text, who set it and when. */
    record TopicInfo(String text, String by, long ts) { }

    /** A room's modes; {@code key} says whether a key is set, never what it is. */
    record Modes(boolean topicLocked, boolean moderated, boolean inviteOnly, boolean key) {
        public static final Modes NONE = new Modes(false, false, false, false);
    }

    /** To the leaver. */
    record Left(String room) implements ServerEvent { }

    /** To the other members of a room when someone joins or leaves it. */
    record Presence(String room, String nick, String event) implements ServerEvent {
        public static final String JOIN = "join";
        public static final String LEAVE = "leave";
    }

    /**
     * A room message, to every member, the sender included. Ids increase by one within a room. {@code kind} is
     * "action" for a {@code /me}, else absent.
     */
    record Message(String id, String room, String from, String text, long ts, String kind) implements ServerEvent {
        /** The constructor JSON-B reads with. */
        @JsonbCreator
        public Message {
        }

        public Message(String id, String room, String from, String text, long ts) {
            this(id, room, from, text, ts, null);
        }
    }

    /** A private message, to its recipient and echoed to its sender only. */
    record WhisperMessage(String id, String from, String to, String text, long ts, String kind) implements ServerEvent {
        /** The constructor JSON-B reads with. */
        @JsonbCreator
        public WhisperMessage {
        }

        public WhisperMessage(String id, String from, String to, String text, long ts) {
            this(id, from, to, text, ts, null);
        }
    }

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

    /** To every member of a room: its topic changed ("" when cleared). */
    record TopicChanged(String room, String topic, String by, long ts) implements ServerEvent { }

    /** To the user and everyone sharing a room with them: away with a message, or back ({@code message} absent). */
    record AwayChanged(String nick, String message) implements ServerEvent { }

    /** The answer to {@code whois}; {@code away} is absent when the user is not away. */
    record WhoisReply(String nick, List<String> rooms, String away, long idleSeconds, long connectedAt,
                      boolean secure) implements ServerEvent { }

    /** Roles in a room. */
    String OPERATOR = "op";
    String VOICE = "voice";
    String NO_ROLE = "none";

    /** To every member: a member's role changed; {@code by} is absent when the server gave it. */
    record RoleChanged(String room, String nick, String role, String by) implements ServerEvent { }

    /** To every member, the kicked one included, who is out of the room. */
    record Kicked(String room, String nick, String by, String reason) implements ServerEvent { }

    /** To every member: a nickname is banned from the room. */
    record Banned(String room, String nick, String by, String reason) implements ServerEvent { }

    /** To every member: a ban was lifted. */
    record Unbanned(String room, String nick, String by) implements ServerEvent { }

    /** The answer to {@code bans}, oldest first. */
    record BanList(String room, List<BanInfo> bans) implements ServerEvent { }

    /** One ban: the nickname, the operator, when, and why. */
    record BanInfo(String nick, String by, long ts, String reason) { }

    /** To every member: the room's modes changed. */
    record ModeChanged(String room, Modes modes, String by) implements ServerEvent { }

    /** To the invited user: they may join the room once within ten minutes. */
    record Invited(String room, String by) implements ServerEvent { }

    /** From the server's operators, to everyone, or to the members of {@code room} when it is set. */
    record Notice(String text, long ts, String room) implements ServerEvent { }
}
