package parley.protocol;

/** A frame that is not a well-formed event; {@link #reason()} says which way it is wrong. */
public final class ProtocolException extends Exception {
    private final ErrorReason reason;

    public ProtocolException(ErrorReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ErrorReason reason() {
        return reason;
    }
}
