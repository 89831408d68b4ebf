package parley.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Many real clients at once: room ordering, exactly-once delivery and atomic nickname claims. */
@Timeout(60)
class ConcurrencyIntegrationTest {
    private static final int CLIENTS = 50;
    private static final int MESSAGES_EACH = 20;

    private WebSocketServer server;
    private final List<WireClient> clients = new ArrayList<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(CLIENTS);

    @BeforeEach
    void startServer() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
    }

    @AfterEach
    void stopServer() throws Exception {
        senders.shutdownNow();
        for (WireClient client : clients) {
            client.close();
        }
        server.stop();
    }

    @Test
    void fiftyClientsSendingAtOnceAllReceiveEveryMessageOnceInEachSendersOrder() throws Exception {
        for (int i = 0; i < CLIENTS; i++) {
            WireClient client = WireClient.connectAs(server.port(), "user" + i);
            clients.add(client);
            client.send("{\"type\":\"join\",\"room\":\"crowd\",\"ref\":\"j\"}");
            client.await(ServerEvent.Ok.class, ok -> "j".equals(ok.ref()));
        }
        var start = new CountDownLatch(1);
        List<CompletableFuture<Void>> sending = new ArrayList<>();

        for (int i = 0; i < CLIENTS; i++) {
            WireClient client = clients.get(i);
            sending.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int m = 0; m < MESSAGES_EACH; m++) {
                        client.send("{\"type\":\"say\",\"room\":\"crowd\",\"text\":\"" + m + "\"}");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, senders));
        }
        start.countDown();
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();

        int total = CLIENTS * MESSAGES_EACH;
        for (WireClient client : clients) {
            await().atMost(WireClient.TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> client.received(ServerEvent.Message.class).size() >= total);
        }
        for (WireClient client : clients) {
            List<ServerEvent.Message> messages = client.received(ServerEvent.Message.class);
            assertThat(messages).hasSize(total);
            assertThat(messages).extracting(ServerEvent.Message::id).doesNotHaveDuplicates();
            assertThat(messages).extracting(message -> Long.parseLong(message.id())).isSorted();
            Map<String, List<Integer>> textsBySender = new HashMap<>();
            for (ServerEvent.Message message : messages) {
                textsBySender.computeIfAbsent(message.from(), from -> new ArrayList<>()).add(Integer.parseInt(message.text()));
            }
            assertThat(textsBySender).hasSize(CLIENTS);
            textsBySender.values().forEach(texts -> assertThat(texts).isSorted().hasSize(MESSAGES_EACH));
        }
    }

    @Test
    void whenManyClientsClaimOneNickAtOnceExactlyOneWins() throws Exception {
        for (int i = 0; i < 20; i++) {
            WireClient client = WireClient.connect(server.port());
            client.await(ServerEvent.Welcome.class);
            clients.add(client);
        }
        var start = new CountDownLatch(1);
        List<CompletableFuture<Void>> claims = new ArrayList<>();

        for (WireClient client : clients) {
            claims.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    client.send("{\"type\":\"nick\",\"nick\":\"sam\",\"ref\":\"claim\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, senders));
        }
        start.countDown();
        CompletableFuture.allOf(claims.toArray(CompletableFuture[]::new)).join();

        int winners = 0;
        int refusals = 0;
        for (WireClient client : clients) {
            await().atMost(WireClient.TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> client.received().stream().anyMatch(ConcurrencyIntegrationTest::answersClaim));
            if (client.received(ServerEvent.Ok.class).stream().anyMatch(ok -> "claim".equals(ok.ref()))) {
                winners++;
            } else {
                assertThat(client.received(ServerEvent.Error.class)).singleElement()
                        .extracting(ServerEvent.Error::code).isEqualTo(409);
                refusals++;
            }
        }
        assertThat(winners).isEqualTo(1);
        assertThat(refusals).isEqualTo(19);
    }

    private static boolean answersClaim(ServerEvent event) {
        return event instanceof ServerEvent.Ok ok && "claim".equals(ok.ref())
                || event instanceof ServerEvent.Error error && "claim".equals(error.ref());
    }
}
