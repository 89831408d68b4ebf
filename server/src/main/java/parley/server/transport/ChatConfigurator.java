package parley.server.transport;

import jakarta.websocket.server.ServerEndpointConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.EventCodec;
import parley.server.LogText;
import parley.server.access.Access;
import parley.server.access.Gatekeeper;
import parley.server.chat.Chat;
import parley.server.metrics.Metrics;
import parley.server.routing.EventRouter;

/** Lets browsers in by origin, and gives each connection its own {@link ChatEndpoint} wired to the shared chat and router. */
final class ChatConfigurator extends ServerEndpointConfig.Configurator {
    private static final Logger log = LoggerFactory.getLogger(ChatConfigurator.class);
    private final Chat chat;
    private final EventRouter router;
    private final TransportLimits limits;
    private final PeerRegistry peers;
    private final Access access;
    private final Gatekeeper gatekeeper;
    private final Metrics metrics;

    ChatConfigurator(Chat chat, EventRouter router, TransportLimits limits, PeerRegistry peers, Access access,
                     Metrics metrics) {
        this.metrics = metrics;
        this.chat = chat;
        this.router = router;
        this.limits = limits;
        this.peers = peers;
        this.access = access;
        this.gatekeeper = access.needsPassword() ? new Gatekeeper(access, new EventCodec()) : null;
    }

    /** Refuses the handshake (HTTP 403) of browsers whose page's origin is not allowed. */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        boolean allowed = access.origins().allows(originHeaderValue);
        if (!allowed) {
            log.info("Refused a connection from origin {}", LogText.quote(String.valueOf(originHeaderValue)));
        }
        return allowed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return (T) new ChatEndpoint(chat, router, limits, peers, gatekeeper, access.authTimeout(), metrics);
    }
}
