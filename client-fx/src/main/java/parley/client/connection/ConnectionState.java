package parley.client.connection;

/** Where a {@link ChatConnection} stands. */
public enum ConnectionState {
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    /** The last attempt or the open connection failed; the listener was told why. */
    FAILED
}
