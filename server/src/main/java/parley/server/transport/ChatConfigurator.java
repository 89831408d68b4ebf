package parley.server.transport;

import jakarta.websocket.server.ServerEndpointConfig;
import parley.server.chat.Chat;
import parley.server.routing.EventRouter;

/** Gives each connection its own {@link ChatEndpoint} wired to the shared chat and router. */
final class ChatConfigurator extends ServerEndpointConfig.Configurator {
    private final Chat chat;
    private final EventRouter router;
    private final int maxFrameBytes;

    ChatConfigurator(Chat chat, EventRouter router, int maxFrameBytes) {
        this.chat = chat;
        this.router = router;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return (T) new ChatEndpoint(chat, router, maxFrameBytes);
    }
}
