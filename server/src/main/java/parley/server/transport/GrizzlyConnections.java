package parley.server.transport;

import jakarta.websocket.Session;
import org.glassfish.grizzly.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Finds the Grizzly connection under a Tyrus session. Parley writes ready-made frames to it directly (a room
 * message is framed once, not per member by Tyrus), and terminates it when a client stalls: a graceful close
 * waits until the client has read everything queued, which a stalled or vanished client never does. Tyrus
 * keeps the connection in private fields, hence the reflection, resolved once.
 */
final class GrizzlyConnections {
    private static final Logger log = LoggerFactory.getLogger(GrizzlyConnections.class);
    private static final Field[] PATH = resolvePath();

    private GrizzlyConnections() {
    }

    /** The Grizzly connection of a Tyrus session, or null when it cannot be reached. */
    static Connection<?> of(Session session) {
        if (PATH == null) {
            return null;
        }
        try {
            Object current = session.getAsyncRemote();
            for (Field field : PATH) {
                current = field.get(current);
            }
            return (Connection<?>) current;
        } catch (IllegalAccessException | ClassCastException | NullPointerException e) {
            log.warn("Cannot reach the network connection of a session: {}", e.toString());
            return null;
        }
    }

    private static Field[] resolvePath() {
        try {
            return new Field[]{
                    field("org.glassfish.tyrus.core.TyrusRemoteEndpoint", "webSocket"),
                    field("org.glassfish.tyrus.core.TyrusWebSocket", "protocolHandler"),
                    field("org.glassfish.tyrus.core.ProtocolHandler", "writer"),
                    field("org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter", "connection")};
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Stalled connections will be closed gracefully only: {}", e.toString());
            return null;
        }
    }

    private static Field field(String className, String name) throws ReflectiveOperationException {
        Field field = Class.forName(className).getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
