package parley.server.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import org.glassfish.tyrus.core.TyrusSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.CloseCodes;
import parley.server.access.Gatekeeper;
import parley.server.chat.Chat;
import parley.server.chat.ChatUser;
import parley.server.metrics.Metrics;
import parley.server.routing.EventRouter;
import parley.server.routing.RequestGuard;
import parley.server.routing.RequestQueue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket endpoint at {@code /chat}, one instance per connection: it asks for the server's password when
 * there is one, turns the connection into a chat user (new, or resumed with {@code ?resume=TOKEN}), passes every
 * text frame to the router and tells the chat how the connection ended. It decides nothing. Public only because
 * Tyrus calls its methods reflectively.
 */
public final class ChatEndpoint extends Endpoint {
    private static final Logger log = LoggerFactory.getLogger(ChatEndpoint.class);
    private static final int NORMAL = CloseReason.CloseCodes.NORMAL_CLOSURE.getCode();
    private static final int GOING_AWAY = CloseReason.CloseCodes.GOING_AWAY.getCode();

    private final Chat chat;
    private final EventRouter router;
    private final TransportLimits limits;
    private final PeerRegistry peers;
    /** Null when the server has no password. */
    private final Gatekeeper gatekeeper;
    private final Duration authTimeout;
    private final Metrics metrics;
    /** Guarded by this monitor, like {@code closed}: the user once the connection has entered the chat. */
    private ChatUser user;
    private boolean closed;
    /** Set once the connection asked to enter (right away without a password); frames then go to the queue. */
    private volatile RequestQueue requests;
    private volatile WebSocketPeer peer;
    /** Closes the connection if the password does not come in time; null without a password. */
    private volatile ScheduledFuture<?> authDeadline;

    ChatEndpoint(Chat chat, EventRouter router, TransportLimits limits, PeerRegistry peers, Gatekeeper gatekeeper,
                 Duration authTimeout, Metrics metrics) {
        this.metrics = metrics;
        this.chat = chat;
        this.router = router;
        this.limits = limits;
        this.peers = peers;
        this.gatekeeper = gatekeeper;
        this.authTimeout = authTimeout;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Idle timeouts are off (heartbeats find dead peers): Tyrus reschedules a timer on every frame otherwise (tyrus #487).
        session.setMaxIdleTimeout(-1);
        session.setMaxTextMessageBufferSize(limits.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(1024);
        String address = session instanceof TyrusSession tyrus ? tyrus.getRemoteAddr() : "?";
        WebSocketPeer opened = new WebSocketPeer(session, address, limits.maxOutboundBytes(),
                limits.pongTimeout().toMillis(), peers.timers(), metrics);
        peer = opened;
        peers.add(opened);
        opened.whenCutOff(() -> cutOff(opened));
        // Registered first and checked second, against turnAway's flag first and close loop second: a connection
        // that opens while the server turns clients away is closed here or by that loop, and never becomes a user.
        PeerRegistry.TurnAway away = peers.turningAway();
        if (away != null) {
            opened.close(away.code(), away.reason());
            return;
        }
        List<String> token = session.getRequestParameterMap().get("resume");
        String resumeToken = token == null || token.isEmpty() ? null : token.get(0);
        RequestGuard guard = new RequestGuard(limits.ratePerSecond(), limits.burst(), limits.maxRefusedInARow(),
                System.nanoTime());
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) frame -> {
            RequestQueue entered = requests;
            if (entered != null) {
                entered.received(frame);
            } else {
                knock(opened, address, resumeToken, guard, frame);
            }
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data ->
                opened.close(CloseReason.CloseCodes.CANNOT_ACCEPT.getCode(), "binary frames are not part of the protocol"));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> opened.ponged());
        if (gatekeeper == null) {
            enter(opened, resumeToken, guard);
            return;
        }
        authDeadline = peers.timers().schedule(() -> {
            if (requests == null) {
                opened.close(CloseCodes.AUTH_TIMEOUT, "no password within " + authTimeout.toSeconds() + " s");
            }
        }, authTimeout.toMillis(), TimeUnit.MILLISECONDS);
        opened.send(gatekeeper.authRequired());
    }

    /** A frame before the password was given: only {@code auth} gets the connection in. */
    private void knock(WebSocketPeer opened, String address, String resumeToken, RequestGuard guard, String frame) {
        if (gatekeeper == null) {
            return;
        }
        Gatekeeper.Verdict verdict = gatekeeper.check(frame, address);
        if (verdict instanceof Gatekeeper.Admit admit) {
            authDeadline.cancel(false);
            enter(opened, resumeToken, guard);
            if (admit.ref() != null) {
                opened.send(gatekeeper.ok(admit.ref()));
            }
        } else if (verdict instanceof Gatekeeper.Answer answer) {
            opened.send(answer.event());
            if (guard.refused()) {
                opened.close(CloseCodes.TOO_MANY_REFUSED, "too many refused requests; do not reconnect");
            }
        } else if (verdict instanceof Gatekeeper.Refuse refuse) {
            log.info("{} refused: {}", opened, refuse.reason());
            opened.close(refuse.closeCode(), refuse.reason());
        }
    }

    /**
     * The connection becomes a chat user: a resumed one when the token is still good (here or on another server of
     * the cluster), else a new guest. Requests read meanwhile wait for it in the queue.
     */
    private void enter(WebSocketPeer opened, String resumeToken, RequestGuard guard) {
        RequestQueue queue = new RequestQueue(router, guard, opened, limits.maxWaitingRequests());
        requests = queue;
        queue.admit(chat.resume(resumeToken, opened).thenApply(resumed -> {
            if (resumeToken != null) {
                metrics.resume(resumed != null);
            }
            ChatUser connected = resumed != null ? resumed : chat.connect(opened);
            boolean closedMeanwhile;
            synchronized (this) {
                user = connected;
                closedMeanwhile = closed;
            }
            if (closedMeanwhile) {
                chat.drop(connected, opened);
            }
            log.atDebug().addKeyValue("address", opened.address()).addKeyValue("nick", connected.nick())
                    .addKeyValue("resumed", resumed != null).log("{} connected as {}", opened, connected.nick());
            return connected;
        }));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        WebSocketPeer closed = peer;
        ChatUser closing;
        synchronized (this) {
            this.closed = true;
            closing = user;
        }
        if (closed != null) {
            peers.remove(closed);
            metrics.disconnect(closed.serverCloseCode() != 0 ? closed.serverCloseCode() : closeReason.getCloseCode().getCode());
        }
        if (closed == null || closing == null) {
            return;
        }
        int code = closed.serverCloseCode() != 0 ? closed.serverCloseCode() : closeReason.getCloseCode().getCode();
        if (WebSocketPeer.isWriting()) {
            // A send to this client failed inside another user's delivery (see WebSocketPeer#isWriting).
            peers.timers().execute(() -> leave(closing, closed, code));
        } else {
            leave(closing, closed, code);
        }
    }

    /** The server closed the connection before its socket ends: the user is out of the chat at once. */
    private void cutOff(WebSocketPeer closed) {
        ChatUser closing;
        synchronized (this) {
            closing = user;
        }
        if (closing != null) {
            leave(closing, closed, closed.serverCloseCode());
        }
    }

    private void leave(ChatUser closing, WebSocketPeer closed, int code) {
        // The user quit (a close frame) or was told not to come back: leave now. Anything else is a drop,
        // and the user may resume within the grace period.
        boolean quit = closed.serverCloseCode() == 0 && (code == NORMAL || code == GOING_AWAY)
                || !CloseCodes.allowsReconnect(code);
        try {
            if (quit) {
                chat.disconnect(closing, closed);
            } else {
                chat.drop(closing, closed);
            }
        } catch (RuntimeException e) {
            log.error("{} could not leave the chat", closed, e);
            return;
        }
        log.atDebug().addKeyValue("address", closed.address()).addKeyValue("nick", closing.nick())
                .addKeyValue("code", code).addKeyValue("left", quit)
                .log("{} closed with {}: {}", closed, code, quit ? "left" : "dropped");
    }

    @Override
    public void onError(Session session, Throwable failure) {
        log.debug("{} failed: {}", peer, failure.toString());
    }
}
