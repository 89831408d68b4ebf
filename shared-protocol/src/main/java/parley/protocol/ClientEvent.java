package parley.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Everything a client may send: requests. The JSON field {@code "type"} holds the alias; aliases are
 * public (PROTOCOL.md) and are never renamed. Every request may carry {@code ref}, a client-chosen string
 * echoed in the reply. Fields marked {@link Absent} may be left out; all others are required. Fields are strings,
 * but for the few {@code Boolean} ones, which must be JSON {@code true} or {@code false}. Decoded
 * instances are well-formed (see {@link EventCodec}); whether a request is allowed is the server's decision.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "nick", type = ClientEvent.Nick.class),
        @JsonbSubtype(alias = "join", type = ClientEvent.Join.class),
        @JsonbSubtype(alias = "leave", type = ClientEvent.Leave.class),
        @JsonbSubtype(alias = "say", type = ClientEvent.Say.class),
        @JsonbSubtype(alias = "whisper", type = ClientEvent.Whisper.class),
        @JsonbSubtype(alias = "rooms", type = ClientEvent.Rooms.class),
        @JsonbSubtype(alias = "auth", type = ClientEvent.Auth.class),
        @JsonbSubtype(alias = "topic", type = ClientEvent.Topic.class),
        @JsonbSubtype(alias = "away", type = ClientEvent.Away.class),
        @JsonbSubtype(alias = "whois", type = ClientEvent.Whois.class),
        @JsonbSubtype(alias = "role", type = ClientEvent.Role.class),
        @JsonbSubtype(alias = "kick", type = ClientEvent.Kick.class),
        @JsonbSubtype(alias = "ban", type = ClientEvent.Ban.class),
        @JsonbSubtype(alias = "unban", type = ClientEvent.Unban.class),
        @JsonbSubtype(alias = "bans", type = ClientEvent.Bans.class),
        @JsonbSubtype(alias = "mode", type = ClientEvent.Mode.class),
        @JsonbSubtype(alias = "invite", type = ClientEvent.Invite.class)})
public sealed interface ClientEvent {

    /** The client's own correlation string, or null. */
    String ref();

    /** {"type":"nick","nick":"alice"}: take a new nickname. */
    record Nick(String nick, @Absent String ref) implements ClientEvent { }

    /** The only value of {@code kind} besides leaving it out: a {@code /me} action. */
    String ACTION = "action";

    /**
     * {"type":"join","room":"lobby"}: join a room; it exists from its first member. With {@code since} (the id
     * of the last message the client saw there) the history holds every later message still buffered; {@code key}
     * opens a room that has one.
     */
    record Join(String room, @Absent String since, @Absent String key, @Absent String ref) implements ClientEvent {
        public Join(String room, String ref) {
            this(room, null, null, ref);
        }

        public Join(String room, String since, String ref) {
            this(room, since, null, ref);
        }

        @Override
        public String toString() {
            return "Join[room=" + room + ", since=" + since + ", key=" + (key == null ? null : "(hidden)") + ", ref=" + ref + "]";
        }
    }

    /** {"type":"leave","room":"lobby"}. */
    record Leave(String room, @Absent String ref) implements ClientEvent { }

    /** {"type":"say","room":"lobby","text":"hi"}: a message to everyone in a room; {@code kind} "action" for /me. */
    record Say(String room, String text, @Absent String kind, @Absent String ref) implements ClientEvent {
        public Say(String room, String text, String ref) {
            this(room, text, null, ref);
        }
    }

    /** {"type":"whisper","to":"bob","text":"psst"}: a private message to one nickname. */
    record Whisper(String to, String text, @Absent String kind, @Absent String ref) implements ClientEvent {
        public Whisper(String to, String text, String ref) {
            this(to, text, null, ref);
        }
    }

    /** {"type":"rooms"}: ask for the list of rooms. */
    record Rooms(@Absent String ref) implements ClientEvent { }

    /** {"type":"auth","password":"..."}: the server's password, in answer to {@code auth_required}. */
    record Auth(String password, @Absent String ref) implements ClientEvent {
        @Override
        public String toString() {
            return "Auth[password=(hidden), ref=" + ref + "]";
        }
    }

    /** {"type":"topic","room":"lobby","topic":"..."}: sets the room's topic; "" clears it. */
    record Topic(String room, String topic, @Absent String ref) implements ClientEvent { }

    /** {"type":"away","message":"lunch"}: marks the user away; without a message (or with "") back. */
    record Away(@Absent String message, @Absent String ref) implements ClientEvent { }

    /** {"type":"whois","nick":"bob"}: asks about a user. */
    record Whois(String nick, @Absent String ref) implements ClientEvent { }

    /** {"type":"role","room":"lobby","nick":"bob","role":"voice"}: an operator gives or takes a role. */
    record Role(String room, String nick, String role, @Absent String ref) implements ClientEvent { }

    /** {"type":"kick","room":"lobby","nick":"bob"}: an operator puts a member out of the room. */
    record Kick(String room, String nick, @Absent String reason, @Absent String ref) implements ClientEvent { }

    /** {"type":"ban","room":"lobby","nick":"bob"}: an operator bans a nickname (and its address) from the room. */
    record Ban(String room, String nick, @Absent String reason, @Absent String ref) implements ClientEvent { }

    /** {"type":"unban","room":"lobby","nick":"bob"}. */
    record Unban(String room, String nick, @Absent String ref) implements ClientEvent { }

    /** {"type":"bans","room":"lobby"}: asks for the room's bans. */
    record Bans(String room, @Absent String ref) implements ClientEvent { }

    /** {"type":"mode","room":"lobby","moderated":true}: an operator changes the modes given; key "" removes it. */
    record Mode(String room, @Absent Boolean topicLocked, @Absent Boolean moderated, @Absent Boolean inviteOnly,
                @Absent String key, @Absent String ref) implements ClientEvent {
        @Override
        public String toString() {
            return "Mode[room=" + room + ", topicLocked=" + topicLocked + ", moderated=" + moderated + ", inviteOnly="
                    + inviteOnly + ", key=" + (key == null ? null : "(hidden)") + ", ref=" + ref + "]";
        }
    }

    /** {"type":"invite","room":"lobby","nick":"bob"}: lets a nickname join once, past invite-only and the key. */
    record Invite(String room, String nick, @Absent String ref) implements ClientEvent { }
}
