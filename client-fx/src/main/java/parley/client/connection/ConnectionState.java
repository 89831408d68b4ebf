package parley.client.connection;

/** Where a {@link ChatConnection} stands. */
public enum ConnectionState {
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    /** The attempt or the open connection failed; trying again may help. The listener was told why. */
    FAILED,
    /** The server closed the connection with a "do not reconnect" code (4500–4999). */
    REFUSED,
    /**
     * The server restarts (close code 1012): reconnect at once, resuming, perhaps to another server of the cluster.
     */
    RESTARTING
}
