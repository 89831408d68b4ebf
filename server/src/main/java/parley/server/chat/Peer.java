package parley.server.chat;

/**
 * One connected client as the chat core sees it: somewhere to send encoded events. Implementations must not
 * block: {@link #send} queues the frame and returns, because the core calls it while holding a room's lock
 * (that is what keeps every member's view of a room in one order).
 */
public interface Peer {

    /** A short identifier for logs. */
    String id();

    /**
     * Queues one encoded server event for this client. Safe to call from any thread; never blocks, and never calls
     * back into the chat (a failed send reports its connection's end later), since the caller may be iterating a
     * room.
     */
    void send(EncodedEvent event);

    /** Queues an event meant for this client alone. */
    default void send(String encodedEvent) {
        send(new EncodedEvent(encodedEvent));
    }

    /** The client's network address (the one bans and limits use), or null when unknown. */
    default String address() {
        return null;
    }

    /** Whether the client connected over TLS. */
    default boolean secure() {
        return false;
    }

    /** Closes the connection with a WebSocket close code; a no-op when it is closed already. */
    void close(int closeCode, String reason);
}
