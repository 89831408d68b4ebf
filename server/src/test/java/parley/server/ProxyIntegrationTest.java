package parley.server;

import org.glassfish.tyrus.client.RetryAfterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.access.TrustedProxies;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Clients behind a load balancer: the test's connections come from 127.0.0.1, which plays the balancer and says
 * who the client is in X-Forwarded-For. Address bans and per-address limits must hit that client, not everyone.
 */
class ProxyIntegrationTest {
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WireClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        servers.forEach(WebSocketServer::stop);
    }

    private int start(TrustedProxies proxies, TransportLimits limits) throws Exception {
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        WebSocketServer server = ParleyServer.start("127.0.0.1", 0, chat, limits,
                Access.open().withTrustedProxies(proxies), null);
        servers.add(server);
        return server.port();
    }

    private WireClient as(int port, String nick, String forwardedFor) throws Exception {
        WireClient client = WireClient.connectForwardedFor(port, forwardedFor);
        clients.add(client);
        client.await(ServerEvent.Welcome.class);
        client.send("{\"type\":\"nick\",\"nick\":\"" + nick + "\",\"ref\":\"n\"}");
        client.await(ServerEvent.Ok.class, ok -> "n".equals(ok.ref()));
        return client;
    }

    private static ServerEvent joinLobby(WireClient client) throws Exception {
        String ref = "j" + System.nanoTime();
        client.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"" + ref + "\"}");
        return client.await(ServerEvent.class, event -> event instanceof ServerEvent.Ok ok && ref.equals(ok.ref())
                || event instanceof ServerEvent.Error error && ref.equals(error.ref()));
    }

    @Test
    void behindATrustedProxyAnAddressBanHitsTheClientItNames() throws Exception {
        int port = start(TrustedProxies.of(List.of("127.0.0.0/8")), TransportLimits.defaults());
        var alice = as(port, "alice", "192.0.2.10");
        joinLobby(alice);
        // The balancer appended the address it saw; the left entry is the client's own claim and proves nothing.
        var mallory = as(port, "mallory", "10.9.9.9, 198.51.100.23");
        joinLobby(mallory);

        alice.send("{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"mallory\",\"ref\":\"b\"}");
        mallory.await(ServerEvent.Kicked.class);

        var puppet = as(port, "puppet", "198.51.100.23");
        assertThat(joinLobby(puppet)).isInstanceOfSatisfying(ServerEvent.Error.class,
                error -> assertThat(error.reason()).isEqualTo("BANNED"));
        var carol = as(port, "carol", "198.51.100.24");
        assertThat(joinLobby(carol)).isInstanceOf(ServerEvent.Ok.class);
        var claimsToBeMallory = as(port, "sneaky", "198.51.100.23, 198.51.100.99");
        assertThat(joinLobby(claimsToBeMallory)).as("a forged left entry is not believed").isInstanceOf(ServerEvent.Ok.class);
    }

    @Test
    void withoutATrustedProxyTheHeaderIsIgnoredAndEveryoneIsTheSocketsAddress() throws Exception {
        int port = start(TrustedProxies.none(), TransportLimits.defaults());
        var alice = as(port, "alice", "192.0.2.10");
        joinLobby(alice);
        var mallory = as(port, "mallory", "198.51.100.23");
        joinLobby(mallory);

        alice.send("{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"mallory\"}");
        mallory.await(ServerEvent.Kicked.class);

        var carol = as(port, "carol", "198.51.100.24");
        assertThat(joinLobby(carol)).as("carol's socket comes from mallory's address")
                .isInstanceOfSatisfying(ServerEvent.Error.class, error -> assertThat(error.reason()).isEqualTo("BANNED"));
    }

    @Test
    void theConnectionLimitPerAddressCountsTheClientsBehindTheProxy() throws Exception {
        int port = start(TrustedProxies.of(List.of("127.0.0.1")), TransportLimits.defaults().withConnections(100, 1));

        as(port, "first", "198.51.100.1");
        as(port, "second", "198.51.100.2");

        assertThatThrownBy(() -> clients.add(WireClient.connectForwardedFor(port, "198.51.100.1")))
                .as("answered 503 with Retry-After").hasRootCauseInstanceOf(RetryAfterException.class);
    }
}
