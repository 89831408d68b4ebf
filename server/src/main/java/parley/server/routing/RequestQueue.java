package parley.server.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.ChatUser;
import parley.server.chat.Peer;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One connection's requests, answered one at a time in the order they were read. A request that waits for another
 * server does not hold the thread that read it: the frames read meanwhile wait here (at most {@code maxWaiting}),
 * and the next one is handled on the thread that completed the previous one. Frames are counted against the
 * connection's rate as they arrive.
 */
public final class RequestQueue {
    /** WebSocket close code for "policy violation". */
    static final int POLICY_VIOLATION = 1008;
    private static final Logger log = LoggerFactory.getLogger(RequestQueue.class);

    private final EventRouter router;
    private final RequestGuard guard;
    private final Peer peer;
    private final int maxWaiting;
    /** Guarded by this monitor, like {@code busy}. */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** Whether a request is being handled, or the connection is not a user yet. */
    private boolean busy = true;
    private volatile ChatUser user;

    private record Request(String frame, long retryAfterMs) {
    }

    public RequestQueue(EventRouter router, RequestGuard guard, Peer peer, int maxWaiting) {
        this.router = router;
        this.guard = guard;
        this.peer = peer;
        this.maxWaiting = maxWaiting;
    }

    /** The connection becomes this user when the stage completes; frames read until then wait. */
    public void admit(CompletionStage<ChatUser> entering) {
        entering.whenComplete((entered, failure) -> {
            if (failure != null || entered == null) {
                log.error("{} could not enter the chat", peer, failure);
                peer.close(EventRouter.INTERNAL_ERROR, "internal error");
                return;
            }
            user = entered;
            handleFrom(next());
        });
    }

    /** A text frame read from the connection. */
    public void received(String frame) {
        Request request = new Request(frame, guard.acquire(System.nanoTime()));
        synchronized (this) {
            if (busy) {
                if (waiting.size() >= maxWaiting) {
                    waiting.clear();
                    overflowed();
                } else {
                    waiting.addLast(request);
                }
                return;
            }
            busy = true;
        }
        handleFrom(request);
    }

    private void overflowed() {
        log.info("Closing {}: more than {} requests waiting for an answer", peer, maxWaiting);
        peer.close(POLICY_VIOLATION, "more than " + maxWaiting + " requests waiting for an answer");
    }

    /** Handles requests until one has to wait or none is left. */
    private void handleFrom(Request request) {
        while (request != null) {
            CompletableFuture<Void> answered = router.handle(user, guard, request.frame(), request.retryAfterMs())
                    .toCompletableFuture();
            if (!answered.isDone()) {
                answered.whenComplete((done, failure) -> handleFrom(next()));
                return;
            }
            request = next();
        }
    }

    /** The next waiting request, or null after marking the queue idle. */
    private synchronized Request next() {
        Request request = waiting.pollFirst();
        if (request == null) {
            busy = false;
        }
        return request;
    }
}
