package parley.server.transport;

import jakarta.websocket.server.ServerEndpointConfig;
import parley.server.chat.Chat;
import parley.server.routing.EventRouter;

/** Gives each connection its own {@link ChatEndpoint} wired to the shared chat and router. */
final class ChatConfigurator extends ServerEndpointConfig.Configurator {
    private final Chat chat;
    private final EventRouter router;
    private final TransportLimits limits;
    private final PeerRegistry peers;

    ChatConfigurator(Chat chat, EventRouter router, TransportLimits limits, PeerRegistry peers) {
        this.chat = chat;
        this.router = router;
        this.limits = limits;
        this.peers = peers;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return (T) new ChatEndpoint(chat, router, limits, peers);
    }
}
