package parley.server.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.chat.ChatUser;
import parley.server.chat.Names;
import parley.server.chat.RecordingPeer;
import parley.server.routing.ChatHandlers;
import parley.server.routing.EventRouter;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A store that forgets everything (a Redis restarted empty): every piece of a node's shared state comes back. */
class RestartedStoreTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final EventCodec codec = new EventCodec();
    private final MemoryClusterStore store = new MemoryClusterStore();
    private final ChatService chat = TestNodes.node(codec, ChatLimits.defaults(), Clock.systemUTC(), store);
    private final EventRouter router = ChatHandlers.router(chat, codec);

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void seatsNicknamesSessionsAndTheGuestCounterArePutBack() {
        ChatUser ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        ChatUser guest = chat.connect(new RecordingPeer("guest"));
        send(guest, "{\"type\":\"join\",\"room\":\"lobby\"}");
        long guestNumber = Long.parseLong(guest.nick().substring(Names.GUEST_PREFIX.length()));

        store.shared().wipe();

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(store.shared().membersOf("lobby")).containsOnlyKeys("ann", Names.key(guest.nick()));
            assertThat(store.shared().nickValue("ann")).endsWith("|ann");
            assertThat(store.shared().nickValue(Names.key(guest.nick()))).endsWith("|" + guest.nick());
        });
        ChatUser newcomer = chat.connect(new RecordingPeer("newcomer"));
        String number = newcomer.nick().substring(Names.GUEST_PREFIX.length());
        assertThat(number.chars().allMatch(Character::isDigit) ? Long.parseLong(number) : Long.MAX_VALUE)
                .as("a guest number not given before the store forgot").isGreaterThan(guestNumber);
    }

    @Test
    void aJoinBeforeTheNodeIsBackIsSeatedWhenItIs() {
        ChatUser ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        store.shared().wipe();
        ChatUser bob = user("bob");
        send(bob, "{\"type\":\"join\",\"room\":\"attic\",\"ref\":\"j\"}");

        assertThat(((RecordingPeer) bob.peer()).last(ServerEvent.Ok.class).ref()).isEqualTo("j");
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(store.shared().membersOf("attic")).containsOnlyKeys("bob"));
    }

    @Test
    void aRoomsTopicRolesAndBansArePutBackAndSurviveTheNextChange() {
        ChatUser ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Friday\"}");
        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"mallory\"}");

        store.shared().wipe();
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(store.loadControl("lobby").toCompletableFuture().join().json()).contains("Friday", "mallory"));
        send(ann, "{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":true}");

        await().atMost(WITHIN).untilAsserted(() -> {
            String stored = store.loadControl("lobby").toCompletableFuture().join().json();
            assertThat(stored).contains("Friday", "mallory", "\"moderated\":true", "\"ann\":\"op\"");
        });
    }

    private ChatUser user(String nick) {
        ChatUser user = chat.connect(new RecordingPeer(nick));
        await().atMost(WITHIN).until(() -> {
            send(user, codec.encode(new ClientEvent.Nick(nick, null)));
            return user.nick().equals(nick);
        });
        return user;
    }

    private void send(ChatUser user, String frame) {
        router.route(user, frame).toCompletableFuture().join();
    }
}
