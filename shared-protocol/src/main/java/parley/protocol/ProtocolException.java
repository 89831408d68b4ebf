package parley.protocol;

/** A frame that is not a well-formed event; {@link #reason()} says which way it is wrong. */
public final class ProtocolException extends Exception {
    private final ErrorReason reason;
    private final String ref;

    public ProtocolException(ErrorReason reason, String message) {
        this(reason, message, null);
    }

    public ProtocolException(ErrorReason reason, String message, String ref) {
        super(message);
        this.reason = reason;
        this.ref = ref;
    }

    public ErrorReason reason() {
        return reason;
    }

    /** The request's {@code ref} when it could be read, so that even a refused frame gets a matching answer. */
    public String ref() {
        return ref;
    }
}
