package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.WhisperMessage;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real server on a free port, driven by real WebSocket clients. */
@Timeout(30)
class ServerIntegrationTest {
    private WebSocketServer server;
    private final List<WireClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
    }

    @AfterEach
    void stopServer() throws Exception {
        for (WireClient client : clients) {
            client.close();
        }
        server.stop();
    }

    @Test
    void aNewConnectionIsWelcomedWithAGuestNickAndTheProtocolVersion() throws Exception {
        var client = track(WireClient.connect(server.port()));

        var welcome = client.await(ServerEvent.Welcome.class);

        assertThat(welcome.nick()).matches("guest-\\d+");
        assertThat(welcome.version()).isEqualTo(1);
    }

    @Test
    void theWelcomeAnnouncesTheFeaturesAndTheServersLimits() throws Exception {
        var client = track(WireClient.connect(server.port()));

        var welcome = client.await(ServerEvent.Welcome.class);

        assertThat(welcome.features()).contains("topic", "action", "away", "whois", "moderation");
        TransportLimits transport = TransportLimits.defaults();
        assertThat(welcome.limits()).isEqualTo(new ServerEvent.Limits(ChatLimits.DEFAULT_MAX_TEXT_LENGTH, 300,
                ChatLimits.DEFAULT_MAX_ROOMS_PER_USER, transport.ratePerSecond(), transport.burst(), transport.maxFrameBytes()));
    }

    @Test
    void anOperatorKicksAndATopicReachesEveryoneOverTheWire() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        alice.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        assertThat(bob.await(ServerEvent.Joined.class).roles()).isEqualTo(java.util.Map.of("alice", "op"));

        alice.send("{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Friday\"}");
        assertThat(bob.await(ServerEvent.TopicChanged.class).topic()).isEqualTo("Friday");
        alice.send("{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"bye\"}");
        assertThat(bob.await(ServerEvent.Kicked.class)).isEqualTo(new ServerEvent.Kicked("lobby", "bob", "alice", "bye"));
    }

    @Test
    void twoPeopleChatInARoom() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        alice.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"before bob\"}");
        alice.await(Message.class);

        bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        var joined = bob.await(Joined.class);
        alice.await(Presence.class, p -> p.nick().equals("bob") && p.event().equals("join"));
        bob.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hello alice\",\"ref\":\"s\"}");

        assertThat(joined.members()).containsExactly("alice", "bob");
        assertThat(joined.history()).extracting(Message::text).containsExactly("before bob");
        var ok = bob.await(ServerEvent.Ok.class, o -> "s".equals(o.ref()));
        var heard = alice.await(Message.class, m -> m.from().equals("bob"));
        assertThat(heard.text()).isEqualTo("hello alice");
        assertThat(heard.id()).isEqualTo(ok.id()).isEqualTo("2");
    }

    @Test
    void aWhisperReachesItsRecipientAndSenderButNotAThirdClient() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        var carol = as("carol");

        alice.send("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"w\"}");

        assertThat(bob.await(WhisperMessage.class).text()).isEqualTo("psst");
        assertThat(alice.await(WhisperMessage.class).to()).isEqualTo("bob");
        carol.sync();
        assertThat(carol.received(WhisperMessage.class)).isEmpty();
    }

    @Test
    void renamesAndLeavesReachRoomMates() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.await(Joined.class);
        bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        bob.await(Joined.class);

        bob.send("{\"type\":\"nick\",\"nick\":\"robert\"}");
        var renamed = alice.await(ServerEvent.NickChanged.class, change -> change.old().equals("bob"));
        bob.send("{\"type\":\"leave\",\"room\":\"lobby\"}");

        assertThat(renamed).isEqualTo(new ServerEvent.NickChanged("bob", "robert"));
        assertThat(bob.await(ServerEvent.Left.class).room()).isEqualTo("lobby");
        assertThat(alice.await(Presence.class, p -> p.event().equals("leave")))
                .isEqualTo(new Presence("lobby", "robert", "leave"));
    }

    @Test
    void everyErrorCodeArrivesOverTheWireAndTheConnectionStaysUsable() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        bob.send("{\"type\":\"join\",\"room\":\"den\"}");
        bob.await(Joined.class);

        alice.send("{not json");
        alice.send("{\"type\":\"say\",\"room\":\"den\",\"text\":\"hi\",\"ref\":\"403\"}");
        alice.send("{\"type\":\"whisper\",\"to\":\"nobody\",\"text\":\"hi\",\"ref\":\"404\"}");
        alice.send("{\"type\":\"nick\",\"nick\":\"BOB\",\"ref\":\"409\"}");
        alice.send("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"" + "x".repeat(2001) + "\",\"ref\":\"413\"}");
        alice.send("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"still here\"}");

        assertThat(alice.await(ServerEvent.Error.class, e -> e.ref() == null).code()).isEqualTo(400);
        for (String code : List.of("403", "404", "409", "413")) {
            assertThat(alice.await(ServerEvent.Error.class, e -> code.equals(e.ref())).code())
                    .isEqualTo(Integer.parseInt(code));
        }
        assertThat(bob.await(WhisperMessage.class).text()).isEqualTo("still here");
    }

    @Test
    void aDisconnectedUserLeavesTheirRoomsAndFreesTheirNick() throws Exception {
        var alice = as("alice");
        var bob = as("bob");
        alice.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        alice.await(Joined.class);
        bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        bob.await(Joined.class);

        bob.close();

        assertThat(alice.await(Presence.class, p -> p.event().equals("leave")).nick()).isEqualTo("bob");
        assertThat(as("bob").received(ServerEvent.Error.class)).isEmpty();
    }

    @Test
    void aMessageOfExactlyTheFrameLimitIsRead() throws Exception {
        var alice = as("alice");
        String head = "{\"type\":\"rooms\",\"ref\":\"big\",\"pad\":\"";
        String frame = head + "x".repeat(TransportLimits.DEFAULT_MAX_FRAME_BYTES - head.length() - 2) + "\"}";

        alice.send(frame);

        assertThat(frame).hasSize(TransportLimits.DEFAULT_MAX_FRAME_BYTES);
        alice.await(ServerEvent.Ok.class, ok -> "big".equals(ok.ref()));
    }

    @Test
    void stoppingTheServerClosesClientsWithGoingAway() throws Exception {
        var alice = as("alice");

        server.stop();

        assertThat(alice.awaitClose().getCloseCode().getCode()).isEqualTo(1001);
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
    }

    private WireClient as(String nick) throws Exception {
        return track(WireClient.connectAs(server.port(), nick));
    }

    private WireClient track(WireClient client) {
        clients.add(client);
        return client;
    }
}
