package parley.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Everything a client may send: requests. The JSON field {@code "type"} holds the alias; aliases are
 * public (PROTOCOL.md) and are never renamed. Every request may carry {@code ref}, a client-chosen string
 * echoed in the reply. Fields marked {@link Absent} may be left out; all others are required. Decoded
 * instances are well-formed (see {@link EventCodec}); whether a request is allowed is the server's decision.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "nick", type = ClientEvent.Nick.class),
        @JsonbSubtype(alias = "join", type = ClientEvent.Join.class),
        @JsonbSubtype(alias = "leave", type = ClientEvent.Leave.class),
        @JsonbSubtype(alias = "say", type = ClientEvent.Say.class),
        @JsonbSubtype(alias = "whisper", type = ClientEvent.Whisper.class),
        @JsonbSubtype(alias = "rooms", type = ClientEvent.Rooms.class),
        @JsonbSubtype(alias = "auth", type = ClientEvent.Auth.class)})
public sealed interface ClientEvent {

    /** The client's own correlation string, or null. */
    String ref();

    /** {"type":"nick","nick":"alice"}: take a new nickname. */
    record Nick(String nick, @Absent String ref) implements ClientEvent { }

    /**
     * {"type":"join","room":"lobby"}: join a room; it exists from its first member. With {@code since} (the id
     * of the last message the client saw there) the history holds every later message still buffered.
     */
    record Join(String room, @Absent String since, @Absent String ref) implements ClientEvent {
        public Join(String room, String ref) {
            this(room, null, ref);
        }
    }

    /** {"type":"leave","room":"lobby"}. */
    record Leave(String room, @Absent String ref) implements ClientEvent { }

    /** {"type":"say","room":"lobby","text":"hi"}: a message to everyone in a room. */
    record Say(String room, String text, @Absent String ref) implements ClientEvent { }

    /** {"type":"whisper","to":"bob","text":"psst"}: a private message to one nickname. */
    record Whisper(String to, String text, @Absent String ref) implements ClientEvent { }

    /** {"type":"rooms"}: ask for the list of rooms. */
    record Rooms(@Absent String ref) implements ClientEvent { }

    /** {"type":"auth","password":"..."}: the server's password, in answer to {@code auth_required}. */
    record Auth(String password, @Absent String ref) implements ClientEvent {
        @Override
        public String toString() {
            return "Auth[password=(hidden), ref=" + ref + "]";
        }
    }
}
