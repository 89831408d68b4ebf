package parley.server.chat;

/** The other servers of the cluster cannot be reached now: the chat serves the users here alone meanwhile. */
public final class ClusterUnavailable extends RuntimeException {
    public ClusterUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public ClusterUnavailable(String message) {
        this(message, null);
    }
}
