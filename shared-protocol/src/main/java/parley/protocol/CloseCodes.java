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
    /** The server asked for its password and none came in time. */
    public static final int AUTH_TIMEOUT = 4003;
    /** Too many refused requests in a row (flooding or a broken client). */
    public static final int TOO_MANY_REFUSED = 4500;
    /** The password was wrong. */
    public static final int WRONG_PASSWORD = 4501;
    /** Too many wrong passwords from this address lately; the close reason says when to try again. */
    public static final int TOO_MANY_FAILED_LOGINS = 4502;
    /** An administrator removed the user; the close reason says why. */
    public static final int REMOVED = 4503;
    /** The server restarts (RFC 6455 "service restart"): reconnect at once, resuming, to another server. */
    public static final int SERVICE_RESTART = 1012;

    private CloseCodes() {
    }

    /** Whether a client closed with this code may reconnect on its own. */
    public static boolean allowsReconnect(int closeCode) {
        return closeCode < 4500 || closeCode > 4999;
    }
}
