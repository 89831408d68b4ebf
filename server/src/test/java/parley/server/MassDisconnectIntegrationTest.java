package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many members of one room leaving at the same moment: each departure tells the others, and those sends meet
 * connections that are already gone. Every user must still leave and free their nickname.
 */
@Timeout(60)
class MassDisconnectIntegrationTest {
    private static final int MEMBERS = 300;

    private WebSocketServer server;

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void membersVanishingTogetherAllLeaveAndFreeTheirNicks() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults().withGracePeriod(Duration.ZERO),
                TransportLimits.defaults());
        List<RawWebSocket> members = joinedMembers();

        for (RawWebSocket member : members) {
            member.drop();
        }

        awaitUsers(0);
        try (RawWebSocket again = joinedAs("m0")) {
            assertThat(again.await(ServerEvent.Joined.class).members()).containsExactly("m0");
        }
    }

    @Test
    void membersQuittingTogetherAllLeaveAndFreeTheirNicks() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(),
                TransportLimits.defaults());
        List<RawWebSocket> members = joinedMembers();

        for (RawWebSocket member : members) {
            member.sendFrame(RawWebSocket.CLOSE, true, new byte[]{0x03, (byte) 0xE8});
        }
        for (RawWebSocket member : members) {
            assertThat(member.awaitCloseCode(Duration.ofSeconds(10))).isEqualTo(1000);
            member.close();
        }

        awaitUsers(0);
    }

    private List<RawWebSocket> joinedMembers() throws IOException {
        List<RawWebSocket> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(joinedAs("m" + i));
        }
        for (RawWebSocket member : members) {
            member.await(ServerEvent.Joined.class);
        }
        return members;
    }

    private RawWebSocket joinedAs(String nick) throws IOException {
        RawWebSocket member = RawWebSocket.connect(server.port(), null);
        member.sendText("{\"type\":\"nick\",\"nick\":\"" + nick + "\"}");
        member.sendText("{\"type\":\"join\",\"room\":\"crowd\"}");
        return member;
    }

    private void awaitUsers(int expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build();
        String body = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < deadline; ) {
            body = http.send(health, HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("\"users\":" + expected + "}") || body.contains("\"users\":" + expected + ",")) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(body).as("users still connected after everyone left").contains("\"users\":" + expected);
    }
}
