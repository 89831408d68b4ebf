package parley.server.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;
import parley.server.chat.Peer;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One connection's requests, carried out in the order they were read and answered in that order. A request that
 * waits for another server does not hold the thread that read it: requests read meanwhile wait here, and go on
 * from the thread that completes the one before. Room messages are the exception that keeps a sender fast when
 * every message makes a round trip to the cluster: one may start while earlier room messages still wait, since
 * the cluster numbers them in the order they were sent; anything else starts only once everything before it has
 * been answered. At most {@code maxWaiting} requests may wait behind the oldest unanswered one; one more closes
 * the connection with 1008. Frames are counted against the connection's rate as they arrive.
 */
public final class RequestQueue {
    /** WebSocket close code for "policy violation". */
    static final int POLICY_VIOLATION = 1008;
    private static final Logger log = LoggerFactory.getLogger(RequestQueue.class);

    private final EventRouter router;
    private final RequestGuard guard;
    private final Peer peer;
    private final int maxWaiting;
    /** Guarded by this monitor, like every field below: read and not started yet. */
    private final ArrayDeque<EventRouter.Request> waiting = new ArrayDeque<>();
    /** Started and not answered yet, oldest first. */
    private final ArrayDeque<Started> started = new ArrayDeque<>();
    private ChatUser user;
    private boolean answering;
    private boolean closed;

    private record Started(EventRouter.Request request, CompletableFuture<Outcome> outcome) {
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
            synchronized (this) {
                user = entered;
            }
            advance();
        });
    }

    /** A text frame read from the connection. */
    public void received(String frame) {
        EventRouter.Request request = router.read(frame, guard.acquire(System.nanoTime()));
        synchronized (this) {
            if (closed) {
                return;
            }
            if (waiting.size() + Math.max(0, started.size() - 1) >= maxWaiting) {
                closed = true;
                waiting.clear();
                log.info("Closing {}: more than {} requests waiting for an answer", peer, maxWaiting);
                peer.close(POLICY_VIOLATION, "more than " + maxWaiting + " requests waiting for an answer");
                return;
            }
            waiting.addLast(request);
        }
        advance();
    }

    /**
     * Starts what may start and answers, in order, what is done; until nothing changes. One thread at a time does
     * this work; a thread that finds it under way leaves it to that thread, which looks again before it stops.
     */
    private void advance() {
        synchronized (this) {
            if (answering || user == null) {
                return;
            }
            answering = true;
        }
        while (true) {
            Started next;
            synchronized (this) {
                next = nextToStart();
                if (next == null) {
                    Started done = started.peekFirst();
                    if (done == null || !done.outcome().isDone()) {
                        answering = false;
                        return;
                    }
                    started.pollFirst();
                    next = done;
                } else {
                    started.addLast(next);
                    continue;
                }
            }
            answer(next);
        }
    }

    /** Call holding this monitor: starts the first waiting request if it may start now, or returns null. */
    private Started nextToStart() {
        EventRouter.Request first = waiting.peekFirst();
        if (first == null || !started.isEmpty() && !(first.mayOverlap() && started.peekLast().request().mayOverlap())) {
            return null;
        }
        waiting.pollFirst();
        CompletableFuture<Outcome> outcome = router.start(user, first).toCompletableFuture();
        outcome.whenComplete((done, failure) -> advance());
        return new Started(first, outcome);
    }

    private void answer(Started done) {
        Outcome outcome = null;
        Throwable failure = null;
        try {
            outcome = done.outcome().join();
        } catch (RuntimeException e) {
            failure = e.getCause() != null ? e.getCause() : e;
        }
        router.answer(user, guard, done.request(), outcome, failure);
    }
}
