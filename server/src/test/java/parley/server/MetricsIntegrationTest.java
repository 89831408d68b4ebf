package parley.server;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.access.Access;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.metrics.Metrics;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics} scraped as Prometheus would, while real clients chat: the counts follow the traffic. */
class MetricsIntegrationTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireClient> clients = new ArrayList<>();
    private WebSocketServer server;

    @AfterEach
    void stop() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        server.stop();
    }

    private void start(Metrics metrics) throws Exception {
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults(), Access.open(), null, metrics);
    }

    @Test
    void theCountsFollowTheTraffic() throws Exception {
        start(Metrics.prometheus("test-version"));
        var alice = track(WireClient.connectAs(server.port(), "alice"));
        var bob = track(WireClient.connectAs(server.port(), "bob"));
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\"}");
        alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"again\"}");
        alice.send("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\"}");
        alice.send("{\"type\":\"say\",\"room\":\"attic\",\"text\":\"nobody\"}");
        alice.send("not json");
        alice.sync();
        bob.await(ServerEvent.WhisperMessage.class);

        Map<String, Double> scraped = scrape();
        assertThat(scraped).containsEntry("parley_messages_total{kind=\"room\"}", 2.0)
                .containsEntry("parley_messages_total{kind=\"whisper\"}", 1.0)
                .containsEntry("parley_requests_total{type=\"say\"}", 3.0)
                .containsEntry("parley_requests_total{type=\"unread\"}", 1.0)
                .containsEntry("parley_errors_total{reason=\"NO_SUCH_ROOM\"}", 1.0)
                .containsEntry("parley_errors_total{reason=\"BAD_JSON\"}", 1.0)
                .containsEntry("parley_connections", 2.0)
                .containsEntry("parley_users", 2.0)
                .containsEntry("parley_rooms", 1.0)
                .containsEntry("parley_build_info{version=\"test-version\"}", 1.0);
        // welcome, nick_changed, joined and presence, the two messages to both members, the whisper to both, ...
        assertThat(scraped.get("parley_deliveries_total")).isGreaterThanOrEqualTo(14.0);
        assertThat(scraped.get("parley_request_duration_seconds_count")).isGreaterThanOrEqualTo(9.0);
        assertThat(scraped).containsKey("parley_outbound_queued_bytes").containsKey("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}")
                .containsKey("process_cpu_usage");

        // A quit ends the session: its token resumes nothing any more, like an unknown one.
        String token = bob.received(ServerEvent.Welcome.class).get(0).resume();
        bob.session().close();
        var back = track(WireClient.resume(server.port(), token));
        back.await(ServerEvent.Welcome.class);
        track(WireClient.resume(server.port(), "no-such-token")).await(ServerEvent.Welcome.class);
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> assertThat(scrape())
                .containsEntry("parley_disconnects_total{code=\"1000\"}", 1.0)
                .containsEntry("parley_resumes_total{result=\"new\"}", 2.0)
                .containsEntry("parley_resumes_total{result=\"resumed\"}", 0.0));
    }

    @Test
    void aDroppedSessionResumesAndCountsSo() throws Exception {
        start(Metrics.prometheus("test-version"));
        var alice = track(WireClient.connectAs(server.port(), "alice"));
        String token = alice.received(ServerEvent.Welcome.class).get(0).resume();

        var again = track(WireClient.resume(server.port(), token));

        assertThat(again.await(ServerEvent.Welcome.class).resumed()).isTrue();
        Awaitility.await().atMost(WireClient.TIMEOUT).untilAsserted(() -> assertThat(scrape())
                .containsEntry("parley_resumes_total{result=\"resumed\"}", 1.0)
                .containsEntry("parley_disconnects_total{code=\"4002\"}", 1.0));
    }

    @Test
    void withMetricsOffThereIsNoPage() throws Exception {
        start(Metrics.off());

        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }

    /**
     * The samples of a scrape, by name with labels; checks the page's content type on the way. The client keeps
     * its connection between scrapes, as Prometheus does: a second request on it must be read as HTTP.
     */
    private Map<String, Double> scrape() throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
