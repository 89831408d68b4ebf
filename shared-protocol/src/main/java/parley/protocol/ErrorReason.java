package parley.protocol;

/**
 * The stable machine-readable reasons of {@code error} events, each with its HTTP-like code.
 * Names are public (PROTOCOL.md): add new ones, never rename one.
 */
public enum ErrorReason {
    /** The frame is not a JSON object. */
    BAD_JSON(400),
    /** {@code type} is missing or not one of the client event types. */
    UNKNOWN_TYPE(400),
    /** A required field is missing, or a field has the wrong JSON type. */
    BAD_FIELD(400),
    /** The nickname breaks the character or length rules. */
    INVALID_NICK(400),
    /** Nicknames starting with {@code guest-} are assigned by the server only. */
    NICK_RESERVED(400),
    /** The room name breaks the character or length rules. */
    INVALID_ROOM(400),
    /** The server has a password and this connection has not given it yet: send {@code auth} first. */
    AUTH_REQUIRED(401),
    /** The text is empty, only whitespace, or holds characters that are not allowed. */
    INVALID_TEXT(400),
    /** The request names a room the sender is not a member of. */
    NOT_IN_ROOM(403),
    /** No user holds that nickname. */
    NO_SUCH_USER(404),
    /** No room of that name exists. */
    NO_SUCH_ROOM(404),
    /** Somebody else holds that nickname. */
    NICK_TAKEN(409),
    /** The text is longer than the server allows. */
    TEXT_TOO_LONG(413),
    /** More requests than the connection's rate allows; {@code retryAfterMs} says when to try again. */
    RATE_LIMITED(429),
    /** The user is in as many rooms as the server allows. */
    TOO_MANY_ROOMS(429),
    /** Only an operator of the room may do this. */
    NOT_OPERATOR(403),
    /** The nickname or the address is banned from the room. */
    BANNED(403),
    /** The room is invite-only and the nickname has no invitation. */
    INVITE_ONLY(403),
    /** The room has a key and the join gave none or a wrong one. */
    BAD_KEY(403),
    /** The room is moderated: only operators and voiced members may speak. */
    MODERATED(403),
    /** A server of a cluster cannot reach the others just now and cannot do this alone; try again soon. */
    CLUSTER_UNAVAILABLE(503);

    private final int code;

    ErrorReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
