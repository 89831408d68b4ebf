package parley.server;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.access.LoginThrottle;
import parley.server.access.Password;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.metrics.Metrics;
import parley.server.transport.AdminSettings;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The administrators' API of a server alone, over real HTTP, with real WebSocket clients chatting meanwhile. */
class AdminIntegrationTest {
    private static final String TOKEN = "s3cret-admin-token";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireClient> clients = new ArrayList<>();
    private final AtomicInteger drains = new AtomicInteger();
    private WebSocketServer server;

    @AfterEach
    void stop() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        server.stop();
    }

    private void start(boolean withAdmin) throws Exception {
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        AdminSettings admin = withAdmin ? new AdminSettings(Password.of(TOKEN),
                new LoginThrottle(3, Duration.ofMinutes(1), 1000, System::nanoTime), drains::incrementAndGet) : null;
        server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults(), Access.open(), null, Metrics.off(), admin);
    }

    @Test
    void withoutATokenFileThereIsNoAdminApi() throws Exception {
        start(false);

        assertThat(call("GET", "/admin/users", TOKEN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingOrWrongTokenIs401AndRepeatedWrongOnesAre429() throws Exception {
        start(true);

        assertThat(call("GET", "/admin/users", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/users", "nope", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/admin/users", "still wrong", null).statusCode()).isEqualTo(401);
        HttpResponse<String> throttled = call("GET", "/admin/users", TOKEN, null);
        assertThat(throttled.statusCode()).as("even the right token waits now").isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void usersAndRoomsAreListedWithAddressesStatesTopicsAndModes() throws Exception {
        start(true);
        var alice = track(WireClient.connectAs(server.port(), "alice"));
        var bob = track(WireClient.connectAs(server.port(), "bob"));
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.send("{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Friday\"}");
        alice.send("{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":true}");
        alice.send("{\"type\":\"away\",\"message\":\"lunch\"}");
        alice.sync();
        bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        bob.sync();

        JsonObject users = json(call("GET", "/admin/users", TOKEN, null), 200);
        assertThat(users.getJsonArray("users")).hasSize(2);
        JsonObject first = users.getJsonArray("users").getJsonObject(0);
        assertThat(first.getString("nick")).isEqualTo("alice");
        assertThat(first.getString("address")).isEqualTo("127.0.0.1");
        assertThat(first.getString("state")).isEqualTo("connected");
        assertThat(first.getString("away")).isEqualTo("lunch");
        assertThat(first.getBoolean("secure")).isFalse();
        assertThat(first.getJsonArray("rooms").getString(0)).isEqualTo("lobby");
        assertThat(first.getJsonNumber("connectedAt").longValue()).isPositive();

        JsonObject rooms = json(call("GET", "/admin/rooms", TOKEN, null), 200);
        JsonObject lobby = rooms.getJsonArray("rooms").getJsonObject(0);
        assertThat(lobby.getString("name")).isEqualTo("lobby");
        assertThat(lobby.getInt("members")).isEqualTo(2);
        assertThat(lobby.getJsonObject("topic").getString("text")).isEqualTo("Friday");
        assertThat(lobby.getJsonObject("modes").getBoolean("moderated")).isTrue();
    }

    @Test
    void aKickClosesWith4503AndTheUserLeavesEveryRoomAndFreesTheNickname() throws Exception {
        start(true);
        var alice = track(WireClient.connectAs(server.port(), "alice"));
        var mallory = track(WireClient.connectAs(server.port(), "mallory"));
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.sync();
        mallory.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        mallory.sync();

        var kicked = call("POST", "/admin/kick", TOKEN, "{\"nick\":\"MALLORY\",\"reason\":\"spam\"}");

        assertThat(json(kicked, 200).getString("removed")).isEqualTo("MALLORY");
        var close = mallory.awaitClose();
        assertThat(close.getCloseCode().getCode()).isEqualTo(4503);
        assertThat(close.getReasonPhrase()).isEqualTo("removed by an administrator: spam");
        alice.await(ServerEvent.Presence.class, presence -> presence.nick().equals("mallory") && presence.event().equals("leave"));
        var again = track(WireClient.connectAs(server.port(), "mallory"));
        assertThat(again.session().isOpen()).as("the nickname is free").isTrue();
        assertThat(call("POST", "/admin/kick", TOKEN, "{\"nick\":\"nobody\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void aNoticeReachesEveryoneOrTheMembersOfARoom() throws Exception {
        start(true);
        var alice = track(WireClient.connectAs(server.port(), "alice"));
        var bob = track(WireClient.connectAs(server.port(), "bob"));
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.sync();

        json(call("POST", "/admin/notice", TOKEN, "{\"text\":\"Restart at 18:00\"}"), 200);
        json(call("POST", "/admin/notice", TOKEN, "{\"text\":\"Be nice\",\"room\":\"LOBBY\"}"), 200);

        assertThat(alice.await(ServerEvent.Notice.class, notice -> notice.room() == null).text()).isEqualTo("Restart at 18:00");
        assertThat(bob.await(ServerEvent.Notice.class).text()).isEqualTo("Restart at 18:00");
        assertThat(alice.await(ServerEvent.Notice.class, notice -> notice.room() != null))
                .satisfies(notice -> assertThat(notice.room()).isEqualTo("lobby"));
        bob.sync();
        assertThat(bob.received(ServerEvent.Notice.class)).hasSize(1);
        assertThat(call("POST", "/admin/notice", TOKEN, "{\"text\":\"hello\",\"room\":\"attic\"}").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/admin/notice", TOKEN, "{\"text\":\"   \"}").statusCode()).isEqualTo(400);
    }

    @Test
    void badRequestsAreAnsweredPlainly() throws Exception {
        start(true);

        assertThat(call("POST", "/admin/kick", TOKEN, "not json").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/admin/kick", TOKEN, "{\"nick\":5}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/admin/kick", TOKEN, "{}").statusCode()).isEqualTo(400);
        assertThat(call("GET", "/admin/kick", TOKEN, null).statusCode()).isEqualTo(405);
        assertThat(call("POST", "/admin/users", TOKEN, "{}").statusCode()).isEqualTo(405);
        assertThat(call("GET", "/admin/nothing", TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/admin/notice", TOKEN, "{\"text\":\"" + "x".repeat(20_000) + "\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void drainIsAcceptedAndStarted() throws Exception {
        start(true);

        assertThat(json(call("POST", "/admin/drain", TOKEN, ""), 202).getBoolean("draining")).isTrue();
        assertThat(drains.get()).isEqualTo(1);
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
