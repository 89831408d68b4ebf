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
import parley.server.metrics.Metrics;

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
    /** The request type counted for a frame that was not read (malformed, or over the rate). */
    private static final String UNREAD = "unread";
    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    private final EventCodec codec;
    private final Metrics metrics;
    private final Map<Class<? extends ClientEvent>, Handler<?>> handlers = new HashMap<>();

    public EventRouter(EventCodec codec, Metrics metrics) {
        this.codec = codec;
        this.metrics = metrics;
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
        Request request = read(frame, retryAfterMs);
        return start(user, request).handle((outcome, failure) -> {
            answer(user, guard, request, outcome, failure);
            return null;
        });
    }

    /** A frame read: its request, or the refusal it gets without being carried out. */
    record Request(ClientEvent event, String ref, Outcome refusal, long retryAfterMs, long readAtNanos) {
        /** A room message may be carried out while earlier ones of the connection wait: ids keep their order. */
        boolean mayOverlap() {
            return event instanceof ClientEvent.Say;
        }
    }

    /** Reads a frame into a request; cheap, on the thread that read the frame. */
    Request read(String frame, long retryAfterMs) {
        if (retryAfterMs > 0) {
            metrics.request(UNREAD);
            // Only the ref is read: the refusal names the request, and a flood costs no more than that.
            return new Request(null, codec.refOf(frame), Outcome.refused(ErrorReason.RATE_LIMITED,
                    "too many requests; try again in " + retryAfterMs + " ms"), retryAfterMs, System.nanoTime());
        }
        try {
            ClientEvent event = codec.decodeClientEvent(frame);
            metrics.request(EventCodec.typeOf(event));
            return new Request(event, event.ref(), null, 0, System.nanoTime());
        } catch (ProtocolException e) {
            metrics.request(UNREAD);
            return new Request(null, e.ref(), Outcome.refused(e.reason(), e.getMessage()), 0, System.nanoTime());
        }
    }

    /** Carries a request out; the stage completes with its outcome (a refusal is an outcome too). */
    CompletionStage<Outcome> start(ChatUser user, Request request) {
        if (request.refusal() != null) {
            return CompletableFuture.completedFuture(request.refusal());
        }
        try {
            return handlerFor(request.event()).handle(user, request.event());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Answers a request carried out: {@code ok}, {@code error}, or a close with 1011 when it failed. */
    void answer(ChatUser user, RequestGuard guard, Request request, Outcome outcome, Throwable failure) {
        metrics.requestTook(System.nanoTime() - request.readAtNanos());
        if (failure != null) {
            log.error("Closing {} after an unexpected failure handling {}", user,
                    LogText.quote(request.event().getClass().getSimpleName()), failure);
            user.peer().close(INTERNAL_ERROR, "internal error");
        } else if (request.retryAfterMs() > 0) {
            metrics.error(ErrorReason.RATE_LIMITED.name());
            user.peer().send(codec.encode(ServerEvent.Error.retryLater(request.ref(), ErrorReason.RATE_LIMITED,
                    outcome.message(), request.retryAfterMs())));
            afterRefusal(user, guard);
        } else {
            reply(user, guard, request.ref(), outcome);
            if (!outcome.isRefused()) {
                if (request.event() instanceof ClientEvent.Say) {
                    metrics.roomMessage();
                } else if (request.event() instanceof ClientEvent.Whisper) {
                    metrics.whisper();
                }
            }
        }
    }

    private void reply(ChatUser user, RequestGuard guard, String ref, Outcome outcome) {
        if (outcome.isRefused()) {
            metrics.error(outcome.refusal().name());
            user.peer().send(codec.encode(ServerEvent.Error.of(ref, outcome.refusal(), outcome.message())));
            afterRefusal(user, guard);
            return;
        }
        guard.accepted();
        if (ref != null) {
            user.peer().send(codec.encode(new ServerEvent.Ok(ref, outcome.id(), outcome.away())));
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
