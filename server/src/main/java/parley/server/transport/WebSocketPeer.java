package parley.server.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.Peer;

import java.io.IOException;

/** A {@link Peer} backed by a WebSocket session; sends are asynchronous and never wait for the client. */
final class WebSocketPeer implements Peer {
    private static final Logger log = LoggerFactory.getLogger(WebSocketPeer.class);

    private final Session session;
    private final String id;

    WebSocketPeer(Session session, String remoteAddress) {
        this.session = session;
        this.id = "conn-" + session.getId().substring(0, 8) + "@" + remoteAddress;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void send(String encodedEvent) {
        if (!session.isOpen()) {
            return;
        }
        try {
            // getBasicRemote() would block until written; getAsyncRemote() queues and returns.
            session.getAsyncRemote().sendText(encodedEvent, result -> {
                if (!result.isOK()) {
                    log.debug("Send to {} failed: {}", id, result.getException().toString());
                }
            });
        } catch (IllegalStateException e) {
            log.debug("Send to {} after it closed", id);
        }
    }

    @Override
    public void close(int closeCode, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(closeCode), reason));
        } catch (IOException | IllegalStateException e) {
            log.debug("Closing {} failed: {}", id, e.toString());
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
