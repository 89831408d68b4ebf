package parley.client.connection;

import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;

import java.util.concurrent.CompletableFuture;

/**
 * A connection to a Parley server speaking protocol v1. All network work happens on the implementation's own
 * threads; methods return at once and may be called from any thread. Listener calls arrive on a network
 * thread, in the order the server sent the events.
 */
public interface ChatConnection {

    /** Receives what the server sends and how the connection fares. */
    interface Listener {
        void onEvent(ServerEvent event);

        /** @param detail why, for {@link ConnectionState#FAILED} and {@link ConnectionState#REFUSED}; otherwise null */
        void onStateChanged(ConnectionState state, String detail);

        /** The server's certificate was not trusted; {@link ConnectionState#FAILED} follows. */
        default void onCertificateProblem(CertificateProblem problem) {
        }

        /** The round trip of a ping just answered. */
        default void onLatency(java.time.Duration roundTrip) {
        }
    }

    void setListener(Listener listener);

    /**
     * Starts connecting to {@code ws://host:port/chat} ({@code wss://} when secure), resuming the session of
     * {@code resumeToken} when it is not null; the outcome arrives through the listener.
     */
    void connect(String host, int port, boolean secure, String resumeToken);

    /** Connects without TLS. */
    default void connect(String host, int port, String resumeToken) {
        connect(host, port, false, resumeToken);
    }

    /** Sends one request; ignored when not connected. */
    void send(ClientEvent event);

    /**
     * Closes the connection cleanly (close code 1000); the listener hears {@link ConnectionState#DISCONNECTED}.
     * The future completes once the close frame is out, or after a short timeout.
     */
    CompletableFuture<Void> close();
}
