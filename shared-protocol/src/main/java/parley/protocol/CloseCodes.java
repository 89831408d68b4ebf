package parley.protocol;

/**
 * WebSocket close codes of the private range (PROTOCOL.md, "Close codes"): 4000–4499 mean "reconnect is fine",
 * 4500–4999 mean "do not reconnect".
 */
public final class CloseCodes {
    /** The client stopped reading and its outbound queue overflowed. */
    public static final int SLOW_CONSUMER = 4000;
    /** The client did not answer the server's ping in time. */
    public static final int NO_PONG = 4001;
    /** The session was resumed on a newer connection. */
    public static final int REPLACED = 4002;
    /** Too many refused requests in a row (flooding or a broken client). */
    public static final int TOO_MANY_REFUSED = 4500;

    private CloseCodes() {
    }

    /** Whether a client closed with this code may reconnect on its own. */
    public static boolean allowsReconnect(int closeCode) {
        return closeCode < 4500 || closeCode > 4999;
    }
}
