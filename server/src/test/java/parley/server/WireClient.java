package parley.server;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.awaitility.Awaitility;
import org.glassfish.tyrus.client.ClientManager;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;


/** A real WebSocket client for tests: sends raw frames and records every server event it receives. */
public final class WireClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ClientManager CLIENTS = ClientManager.createClient();
    private static final EventCodec CODEC = new EventCodec();

    private final List<ServerEvent> received = new ArrayList<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    /** Tyrus's client sends an Origin header as a browser would; a desktop client sends none. */
    private static final ClientEndpointConfig AS_A_DESKTOP_CLIENT = ClientEndpointConfig.Builder.create()
            .configurator(new ClientEndpointConfig.Configurator() {
                @Override
                public void beforeRequest(java.util.Map<String, List<String>> headers) {
                    headers.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
                }
            }).build();

    private WireClient(URI uri) throws Exception {
        this(uri, AS_A_DESKTOP_CLIENT);
    }

    private WireClient(URI uri, ClientEndpointConfig config) throws Exception {
        session = CLIENTS.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                // No idle timer: Tyrus would reschedule one on a shared executor with every send, and that
                // executor is shut down and restarted as sessions come and go, which races with quick reconnects.
                session.setMaxIdleTimeout(-1);
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) WireClient.this::record);
            }

            @Override
            public void onClose(Session session, CloseReason closeReason) {
                closed.complete(closeReason);
            }
        }, config, uri);
    }

    public static WireClient connect(int port) throws Exception {
        return new WireClient(URI.create("ws://localhost:" + port + "/chat"));
    }

    /** Connects as a browser page from this origin would. */
    public static WireClient connectFromOrigin(int port, String origin) throws Exception {
        return new WireClient(URI.create("ws://localhost:" + port + "/chat"), ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(java.util.Map<String, List<String>> headers) {
                        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
                        headers.put("Origin", List.of(origin));
                    }
                }).build());
    }

    /** Connects as through a load balancer that says the client is {@code forwardedFor} (X-Forwarded-For). */
    public static WireClient connectForwardedFor(int port, String forwardedFor) throws Exception {
        return new WireClient(URI.create("ws://localhost:" + port + "/chat"), ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(java.util.Map<String, List<String>> headers) {
                        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
                        headers.put("X-Forwarded-For", List.of(forwardedFor));
                    }
                }).build());
    }

    /** Connects with {@code ?resume=TOKEN}. */
    public static WireClient resume(int port, String token) throws Exception {
        return new WireClient(URI.create("ws://localhost:" + port + "/chat?resume=" + token));
    }

    /** Connects, waits for the welcome and claims a nickname. */
    public static WireClient connectAs(int port, String nick) throws Exception {
        WireClient client = connect(port);
        client.await(ServerEvent.Welcome.class);
        client.send("{\"type\":\"nick\",\"nick\":\"" + nick + "\",\"ref\":\"nick\"}");
        client.await(ServerEvent.Ok.class, ok -> "nick".equals(ok.ref()));
        return client;
    }

    private void record(String frame) {
        try {
            ServerEvent event = CODEC.decodeServerEvent(frame);
            synchronized (received) {
                received.add(event);
            }
        } catch (ProtocolException e) {
            throw new AssertionError("unreadable frame from the server: " + frame, e);
        }
    }

    public void send(String frame) throws Exception {
        session.getBasicRemote().sendText(frame);
    }

    public Session session() {
        return session;
    }

    public List<ServerEvent> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public <E extends ServerEvent> List<E> received(Class<E> type) {
        return received().stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <E extends ServerEvent> E await(Class<E> type) {
        return await(type, event -> true);
    }

    /** Waits for the first received event of this type that matches. */
    public <E extends ServerEvent> E await(Class<E> type, Predicate<E> matching) {
        return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(
                () -> received(type).stream().filter(matching).findFirst(), Optional::isPresent).get();
    }

    /** Waits until the server has answered everything sent before: a round trip on this connection. */
    public void sync() throws Exception {
        String ref = "sync-" + System.nanoTime();
        send("{\"type\":\"rooms\",\"ref\":\"" + ref + "\"}");
        await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }

    public CloseReason awaitClose() throws Exception {
        return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (session.isOpen()) {
            session.close();
        }
    }
}
