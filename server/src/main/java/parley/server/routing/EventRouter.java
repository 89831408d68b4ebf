package parley.server.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ClientEvent;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;
import parley.server.LogText;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a client's frame, hands it to the handler registered for its type and answers: {@code ok} when the
 * request carried a {@code ref} and succeeded, {@code error} whenever it was refused. The handler map is the
 * list of requests a client may make; anything else is refused. Thread-safe once built.
 */
public final class EventRouter {
    /** WebSocket close code for "the server hit an unexpected condition". */
    static final int INTERNAL_ERROR = 1011;
    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    private final EventCodec codec;
    private final Map<Class<? extends ClientEvent>, Handler<?>> handlers = new HashMap<>();

    public EventRouter(EventCodec codec) {
        this.codec = codec;
    }

    public <E extends ClientEvent> EventRouter on(Class<E> type, Handler<E> handler) {
        handlers.put(type, handler);
        return this;
    }

    Set<Class<? extends ClientEvent>> routedTypes() {
        return handlers.keySet();
    }

    /** Handles one text frame from the user's connection. */
    public void route(ChatUser user, String frame) {
        ClientEvent event;
        try {
            event = codec.decodeClientEvent(frame);
        } catch (ProtocolException e) {
            reply(user, e.ref(), Outcome.refused(e.reason(), e.getMessage()));
            return;
        }
        route(user, event);
    }

    /** Handles one decoded request. */
    public void route(ChatUser user, ClientEvent event) {
        Handler<ClientEvent> handler = handlerFor(event);
        if (handler == null) {
            reply(user, event.ref(), Outcome.refused(ErrorReason.UNKNOWN_TYPE, "not accepted here"));
            return;
        }
        Outcome outcome;
        try {
            outcome = handler.handle(user, event);
        } catch (RuntimeException e) {
            log.error("Closing {} after an unexpected failure handling {}", user,
                    LogText.quote(event.getClass().getSimpleName()), e);
            user.peer().close(INTERNAL_ERROR, "internal error");
            return;
        }
        reply(user, event.ref(), outcome);
    }

    private void reply(ChatUser user, String ref, Outcome outcome) {
        if (outcome.isRefused()) {
            user.peer().send(codec.encode(ServerEvent.Error.of(ref, outcome.refusal(), outcome.message())));
        } else if (ref != null) {
            user.peer().send(codec.encode(new ServerEvent.Ok(ref, outcome.id())));
        }
    }

    @SuppressWarnings("unchecked")
    private Handler<ClientEvent> handlerFor(ClientEvent event) {
        return (Handler<ClientEvent>) handlers.get(event.getClass());
    }
}
