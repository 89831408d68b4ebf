package parley.server.chat;

import parley.protocol.ErrorReason;

/**
 * What became of a request: done (with the id of a stored message, if any) or refused with a reason.
 * Refusals are values, never exceptions: they are answers the client is owed.
 */
public record Outcome(ErrorReason refusal, String message, String id, String away) {
    private static final Outcome DONE = new Outcome(null, null, null, null);

    public static Outcome done() {
        return DONE;
    }

    public static Outcome stored(String id) {
        return new Outcome(null, null, id, null);
    }

    /** A whisper stored for someone away: the answer says so. */
    public static Outcome stored(String id, String away) {
        return new Outcome(null, null, id, away);
    }

    public static Outcome refused(ErrorReason reason, String message) {
        return new Outcome(reason, message, null, null);
    }

    public boolean isRefused() {
        return refusal != null;
    }
}
