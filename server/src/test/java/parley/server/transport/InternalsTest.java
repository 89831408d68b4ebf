package parley.server.transport;

import org.glassfish.grizzly.filterchain.FilterChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.access.TrustedProxies;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.RawWebSocket;
import parley.server.routing.ChatHandlers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parley reaches into Tyrus's and Grizzly's internals for speed and memory (see the comment at the Tyrus version
 * in the parent pom). A Tyrus or Grizzly upgrade that moves them would leave the server working but slower or
 * heavier, silently: these tests fail instead. They check that each reach resolves and that its fast path is
 * actually taken by a real connection.
 */
class InternalsTest {
    private WebSocketServer server;

    @AfterEach
    void stop() {
        server.stop();
    }

    private void startServer() throws IOException {
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        server = WebSocketServer.start("127.0.0.1", 0, chat, ChatHandlers.router(chat, new EventCodec()),
                TransportLimits.defaults(), Access.open().withTrustedProxies(TrustedProxies.of(List.of("127.0.0.1"))), null);
    }

    @Test
    void everyReachResolvesAndEveryFastPathIsTaken() throws Exception {
        startServer();
        long shortcutReadsBefore = UpgradedReadFilter.SHORTCUT_READS.sum();
        var answers = new CompletableFuture<String>();
        WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat"), new WebSocket.Listener() {
                    private final StringBuilder all = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        all.append(data);
                        if (all.toString().contains("\"ref\":\"r\"")) {
                            answers.complete(all.toString());
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        client.sendText("{\"type\":\"rooms\",\"ref\":\"r\"}", true).get(10, TimeUnit.SECONDS);
        answers.get(10, TimeUnit.SECONDS);

        // GrizzlyServerFilter's per-connection attributes: frames skip Grizzly's HTTP filter.
        assertThat(UpgradedReadFilter.isActive()).isTrue();
        assertThat(UpgradedReadFilter.SHORTCUT_READS.sum()).as("frames took the shortcut").isGreaterThan(shortcutReadsBefore);
        WebSocketPeer peer = server.openPeers().iterator().next();
        // TyrusRemoteEndpoint -> TyrusWebSocket -> ProtocolHandler -> GrizzlyWriter -> connection.
        assertThat(peer.connection()).as("the Grizzly connection under the session").isNotNull();
        assertThat(peer.writesDirectly()).as("frames are written straight to the socket").isTrue();
        // Grizzly's request attribute: the upgrade request is let go once frames flow.
        assertThat(UpgradedReadFilter.UPGRADE_REQUEST.get(peer.connection())).isNull();
        // The filters sit where they must: the guard first, the frame limit before the shortcut, the client's
        // address right above the HTTP codec.
        FilterChain chain = (FilterChain) peer.connection().getProcessor();
        assertThat(chain.indexOfType(ConnectionGuard.class)).isEqualTo(1);
        assertThat(chain.indexOfType(FrameLimitFilter.class)).isLessThan(chain.indexOfType(UpgradedReadFilter.class));
        assertThat(chain.indexOfType(ClientAddressFilter.class))
                .isEqualTo(chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class) + 1);
        client.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        await().until(() -> server.openPeers().isEmpty());
    }

    /**
     * Grizzly's selector handler: the frames one read batch produces for a client go out in one write
     * ({@link OutboundBatch}). Five messages read in one go reach a member in one write, in order.
     */
    @Test
    void framesProducedByOneReadGoOutInOneWrite() throws Exception {
        startServer();
        try (var bob = RawWebSocket.connect(server.port(), null)) {
            bob.await(ServerEvent.Welcome.class);
            WebSocketPeer bobsPeer = server.openPeers().iterator().next();
            bob.sendText("{\"type\":\"nick\",\"nick\":\"bob\"}");
            bob.sendText("{\"type\":\"join\",\"room\":\"batch\"}");
            bob.await(ServerEvent.Joined.class);
            try (var alice = RawWebSocket.connect(server.port(), null)) {
                alice.sendText("{\"type\":\"nick\",\"nick\":\"alice\"}");
                alice.sendText("{\"type\":\"join\",\"room\":\"batch\"}");
                alice.await(ServerEvent.Joined.class);
                bob.await(ServerEvent.Presence.class);
                long writesBefore = bobsPeer.writes();

                alice.sendTextsTogether(IntStream.rangeClosed(1, 5)
                        .mapToObj(n -> "{\"type\":\"say\",\"room\":\"batch\",\"text\":\"" + n + "\"}")
                        .toArray(String[]::new));

                for (int n = 1; n <= 5; n++) {
                    assertThat(bob.await(ServerEvent.Message.class).text()).isEqualTo(String.valueOf(n));
                }
                assertThat(bobsPeer.writes() - writesBefore).as("writes for five messages").isEqualTo(1);
            }
        }
    }
}
