package parley.server;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.access.Password;
import parley.server.chat.ChatService;
import parley.server.metrics.Metrics;
import parley.server.transport.AdminSettings;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import redis.embedded.RedisServer;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What operators do to a cluster of two nodes on a real Redis: list, remove and notify users on any node through
 * either node's admin API, read its metrics, and drain one node for a restart while its users move to the other
 * without anybody seeing them leave.
 */
@Timeout(90)
class ClusterOperationsIntegrationTest {
    private static final String TOKEN = "cluster-admin-token";
    private static int redisPort;
    private static RedisServer redis;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ChatService> chats = new ArrayList<>();
    private final List<WebSocketServer> servers = new ArrayList<>();
    private final List<WireClient> clients = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redisPort = TestRedis.freePort();
        redis = TestRedis.startOn(redisPort);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.stop();
    }

    @BeforeEach
    void startNodes() throws Exception {
        TestRedis.flush(redisPort);
        for (int i = 0; i < 2; i++) {
            ChatService chat = TestRedis.node(redisPort);
            chats.add(chat);
            var admin = new AdminSettings(Password.of(TOKEN), Access.defaultThrottle(), () -> { });
            servers.add(ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults(), Access.open(), null,
                    Metrics.prometheus("test"), admin));
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        servers.forEach(WebSocketServer::stop);
        chats.forEach(ChatService::close);
    }

    @Test
    void eitherNodeListsRemovesAndNotifiesUsersOfBoth() throws Exception {
        var alice = as(0, "alice");
        var bob = as(1, "bob");
        join(alice, "lobby");
        join(bob, "lobby");

        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            JsonObject users = json(call(0, "GET", "/admin/users", null), 200);
            assertThat(users.getJsonArray("users")).extracting(user -> ((JsonObject) user).getString("nick"))
                    .containsExactly("alice", "bob");
            assertThat(users.getJsonArray("users").getJsonObject(1).getString("node")).isNotBlank();
        });
        JsonObject rooms = json(call(0, "GET", "/admin/rooms", null), 200);
        assertThat(rooms.getJsonArray("rooms").getJsonObject(0).getInt("members")).isEqualTo(2);

        json(call(1, "POST", "/admin/notice", "{\"text\":\"Restart at 18:00\"}"), 200);
        assertThat(alice.await(ServerEvent.Notice.class).text()).isEqualTo("Restart at 18:00");
        assertThat(bob.await(ServerEvent.Notice.class).text()).isEqualTo("Restart at 18:00");

        json(call(0, "POST", "/admin/kick", "{\"nick\":\"bob\",\"reason\":\"spam\"}"), 200);
        assertThat(bob.awaitClose().getCloseCode().getCode()).isEqualTo(4503);
        alice.await(ServerEvent.Presence.class, presence -> presence.nick().equals("bob") && presence.event().equals("leave"));
        assertThat(call(0, "POST", "/admin/kick", "{\"nick\":\"nobody\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void aDrainedNodesUsersResumeOnTheOtherWithoutAnyoneSeeingThemLeave() throws Exception {
        var alice = as(0, "alice");
        var bob = as(0, "bob");
        var carol = as(1, "carol");
        join(alice, "lobby");
        join(bob, "lobby");
        join(carol, "lobby");
        carol.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"before\",\"ref\":\"s1\"}");
        alice.await(ServerEvent.Message.class, message -> message.text().equals("before"));
        bob.await(ServerEvent.Message.class, message -> message.text().equals("before"));

        servers.get(0).drain();

        assertThat(alice.awaitClose().getCloseCode().getCode()).isEqualTo(1012);
        assertThat(bob.awaitClose().getCloseCode().getCode()).isEqualTo(1012);
        carol.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"meanwhile\",\"ref\":\"s2\"}");
        carol.await(ServerEvent.Ok.class, ok -> "s2".equals(ok.ref()));
        for (WireClient moving : List.of(alice, bob)) {
            String nick = moving == alice ? "alice" : "bob";
            String token = moving.received(ServerEvent.Welcome.class).get(0).resume();
            var moved = track(WireClient.resume(servers.get(1).port(), token));
            ServerEvent.Welcome welcome = moved.await(ServerEvent.Welcome.class);
            assertThat(welcome.resumed()).isTrue();
            assertThat(welcome.nick()).isEqualTo(nick);
            assertThat(welcome.rooms()).containsExactly("lobby");
            moved.send("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"1\",\"ref\":\"j\"}");
            moved.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
            assertThat(moved.received(ServerEvent.Joined.class).get(0).history()).extracting(ServerEvent.Message::text)
                    .containsExactly("meanwhile");
        }
        Awaitility.await().atMost(WireClient.TIMEOUT).until(() -> ((Number) chats.get(0).health().get("users")).intValue() == 0);
        carol.sync();
        assertThat(carol.received(ServerEvent.Presence.class)).as("nobody left, nobody came")
                .noneMatch(presence -> presence.nick().equals("alice") || presence.nick().equals("bob"));
        assertThatThrownBy(() -> WireClient.connect(servers.get(0).port()))
                .as("a draining node takes no new connections: a balancer sends them elsewhere at once")
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aNodesMetricsSayItIsInTheClusterAndHowManyNodesThereAre() throws Exception {
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> {
            String page = call(0, "GET", "/metrics", null).body();
            assertThat(page).contains("parley_cluster_reachable 1.0").contains("parley_cluster_nodes 2.0");
        });
    }

    private WireClient as(int node, String nick) throws Exception {
        return track(WireClient.connectAs(servers.get(node).port(), nick));
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private static void join(WireClient client, String room) throws Exception {
        String ref = "join-" + System.nanoTime();
        client.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"" + ref + "\"}");
        client.await(ServerEvent.Ok.class, ok -> ref.equals(ok.ref()));
    }

    private HttpResponse<String> call(int node, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servers.get(node).port() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
