package parley.server.access;

import parley.protocol.ClientEvent;
import parley.protocol.CloseCodes;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;

/**
 * The password check a connection passes before it becomes a chat user: until a right {@code auth} arrives,
 * every other request is answered with 401 {@code AUTH_REQUIRED}; a wrong password closes the connection with
 * 4501, and an address with too many wrong passwords lately is closed with 4502 without its guess being tried.
 */
public final class Gatekeeper {

    /** What to do with one frame of a connection that has not given the password yet. */
    public sealed interface Verdict {
    }

    /** The password was right: make the connection a chat user, then answer {@code ok} when there is a ref. */
    public record Admit(String ref) implements Verdict {
    }

    /** Send this event and wait for the next frame. */
    public record Answer(String event) implements Verdict {
    }

    /** Close with this code and reason. */
    public record Refuse(int closeCode, String reason) implements Verdict {
    }

    private final Access access;
    private final EventCodec codec;

    public Gatekeeper(Access access, EventCodec codec) {
        this.access = access;
        this.codec = codec;
    }

    public String authRequired() {
        return codec.encode(new ServerEvent.AuthRequired());
    }

    public String ok(String ref) {
        return codec.encode(new ServerEvent.Ok(ref, null));
    }

    public Verdict check(String frame, String address) {
        ClientEvent event;
        try {
            event = codec.decodeClientEvent(frame);
        } catch (ProtocolException e) {
            return new Answer(codec.encode(ServerEvent.Error.of(e.ref(), e.reason(), e.getMessage())));
        }
        if (!(event instanceof ClientEvent.Auth auth)) {
            return new Answer(codec.encode(ServerEvent.Error.of(event.ref(), ErrorReason.AUTH_REQUIRED,
                    "this server has a password: send {\"type\":\"auth\",\"password\":\"...\"} first")));
        }
        long retryAfter = access.throttle().retryAfterMillis(address);
        if (retryAfter > 0) {
            return new Refuse(CloseCodes.TOO_MANY_FAILED_LOGINS,
                    "too many wrong passwords from your address; try again in " + (retryAfter + 999) / 1000 + " s");
        }
        if (!access.password().matches(auth.password())) {
            access.throttle().failed(address);
            return new Refuse(CloseCodes.WRONG_PASSWORD, "wrong password");
        }
        access.throttle().succeeded(address);
        return new Admit(auth.ref());
    }
}
