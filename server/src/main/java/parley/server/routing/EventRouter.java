package parley.server.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ClientEvent;
import parley.protocol.CloseCodes;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;
import parley.server.LogText;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;

import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a client's frame, hands it to the handler registered for its type and answers when the handler is done:
 * {@code ok} when the request carried a {@code ref} and succeeded, {@code error} whenever it was refused. The handler map is the
 * list of requests a client may make; anything else is refused. Thread-safe once built.
 */
public final class EventRouter {
    /** WebSocket close code for "the server hit an unexpected condition". */
    static final int INTERNAL_ERROR = 1011;
    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);
    private static final CompletableFuture<Void> ANSWERED = CompletableFuture.completedFuture(null);

    private final EventCodec codec;
    private final Map<Class<? extends ClientEvent>, Handler<?>> handlers = new HashMap<>();

    public EventRouter(EventCodec codec) {
        this.codec = codec;
    }

    /** Registers the handler of one request type; every type a client may send needs one. */
    public <E extends ClientEvent> EventRouter on(Class<E> type, Handler<E> handler) {
        handlers.put(type, handler);
        return this;
    }

    Set<Class<? extends ClientEvent>> routedTypes() {
        return handlers.keySet();
    }

    /** Handles one text frame from a connection without request limits; tests use it. */
    public CompletionStage<Void> route(ChatUser user, String frame) {
        return handle(user, RequestGuard.unlimited(), frame, 0);
    }

    /** Handles one text frame from the user's connection, within the connection's budget. */
    public CompletionStage<Void> route(ChatUser user, RequestGuard guard, String frame) {
        return handle(user, guard, frame, guard.acquire(System.nanoTime()));
    }

    /**
     * Handles one text frame of the user's and answers it; the stage completes once the answer is out. A frame
     * that came in over the connection's rate ({@code retryAfterMs} > 0) is refused with 429; after too many
     * refusals in a row the connection is closed with a do-not-reconnect code.
     */
    CompletionStage<Void> handle(ChatUser user, RequestGuard guard, String frame, long retryAfterMs) {
        if (retryAfterMs > 0) {
            user.peer().send(codec.encode(ServerEvent.Error.retryLater(null, ErrorReason.RATE_LIMITED,
                    "too many requests; try again in " + retryAfterMs + " ms", retryAfterMs)));
            afterRefusal(user, guard);
            return ANSWERED;
        }
        ClientEvent event;
        try {
            event = codec.decodeClientEvent(frame);
        } catch (ProtocolException e) {
            reply(user, guard, e.ref(), Outcome.refused(e.reason(), e.getMessage()));
            return ANSWERED;
        }
        CompletionStage<Outcome> outcome;
        try {
            outcome = handlerFor(event).handle(user, event);
        } catch (RuntimeException e) {
            fail(user, event, e);
            return ANSWERED;
        }
        return outcome.handle((done, failure) -> {
            if (failure != null) {
                fail(user, event, failure);
            } else {
                reply(user, guard, event.ref(), done);
            }
            return null;
        });
    }

    private static void fail(ChatUser user, ClientEvent event, Throwable failure) {
        log.error("Closing {} after an unexpected failure handling {}", user,
                LogText.quote(event.getClass().getSimpleName()), failure);
        user.peer().close(INTERNAL_ERROR, "internal error");
    }

    private void reply(ChatUser user, RequestGuard guard, String ref, Outcome outcome) {
        if (outcome.isRefused()) {
            user.peer().send(codec.encode(ServerEvent.Error.of(ref, outcome.refusal(), outcome.message())));
            afterRefusal(user, guard);
            return;
        }
        guard.accepted();
        if (ref != null) {
            user.peer().send(codec.encode(new ServerEvent.Ok(ref, outcome.id())));
        }
    }

    private void afterRefusal(ChatUser user, RequestGuard guard) {
        if (guard.refused()) {
            log.info("Closing {}: too many refused requests in a row", user);
            user.peer().close(CloseCodes.TOO_MANY_REFUSED, "too many refused requests; do not reconnect");
        }
    }

    @SuppressWarnings("unchecked")
    private Handler<ClientEvent> handlerFor(ClientEvent event) {
        Handler<ClientEvent> handler = (Handler<ClientEvent>) handlers.get(event.getClass());
        if (handler == null) {
            throw new IllegalStateException("no handler for " + event.getClass().getSimpleName());
        }
        return handler;
    }
}
