package parley.server.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.core.TyrusSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.Chat;
import parley.server.chat.ChatUser;
import parley.server.routing.EventRouter;

/**
 * The WebSocket endpoint at {@code /chat}, one instance per connection: it turns a connection into a chat user,
 * passes every text frame to the router and tells the chat when the connection ends. It decides nothing.
 * Public only because Tyrus calls its methods reflectively.
 */
public final class ChatEndpoint extends Endpoint {
    private static final Logger log = LoggerFactory.getLogger(ChatEndpoint.class);

    private final Chat chat;
    private final EventRouter router;
    private final int maxFrameBytes;
    private volatile ChatUser user;

    ChatEndpoint(Chat chat, EventRouter router, int maxFrameBytes) {
        this.chat = chat;
        this.router = router;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Idle timeouts are off: Tyrus reschedules a timer on every frame otherwise (tyrus #487).
        session.setMaxIdleTimeout(-1);
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        String address = session instanceof TyrusSession tyrus ? tyrus.getRemoteAddr() : "?";
        WebSocketPeer peer = new WebSocketPeer(session, address);
        ChatUser connected = chat.connect(peer);
        user = connected;
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) frame -> {
            if (utf8Length(frame) > maxFrameBytes) {
                peer.close(CloseReason.CloseCodes.TOO_BIG.getCode(), "messages are limited to " + maxFrameBytes + " bytes");
            } else {
                router.route(connected, frame);
            }
        });
        log.debug("{} connected as {}", peer, connected.nick());
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        ChatUser closing = user;
        if (closing != null) {
            chat.disconnect(closing);
            log.debug("{} closed: {}", closing, closeReason.getCloseCode().getCode());
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        log.debug("{} failed: {}", user, failure.toString());
    }

    /** UTF-8 byte length, counted only when the string could be over the limit. */
    private int utf8Length(String text) {
        if ((long) text.length() * 3 <= maxFrameBytes) {
            return text.length();
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
