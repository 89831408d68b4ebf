package parley.server.routing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.protocol.ClientEvent;
import parley.protocol.CloseCodes;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.Welcome;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatUser;
import parley.server.chat.ChatService;
import parley.server.chat.MutableClock;
import parley.server.chat.RecordingPeer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Dropped connections, the grace period, resuming, and joins since a message id, without sockets. */
abstract class ResumeRulesTest {
    private static final Duration GRACE = Duration.ofSeconds(120);

    private final EventCodec codec = new EventCodec();
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_732_400_000_000L));
    private ChatService chat;
    private EventRouter router;

    /** The chat under test: alone, or one node of a cluster. */
    abstract ChatService newChat(EventCodec codec, ChatLimits limits, java.time.Clock clock);

    @AfterEach
    void stopChat() {
        chat.close();
    }

    @BeforeEach
    void startChat() {
        chat = newChat(codec, ChatLimits.defaults().withHistory(3, 5).withGracePeriod(GRACE), clock);
        router = ChatHandlers.router(chat, codec);
    }

    @Test
    void aWelcomeCarriesAResumeTokenAndEveryWelcomeANewOne() {
        var alice = user("alice");
        String first = token(alice);

        chat.drop(alice, alice.peer());
        var again = new RecordingPeer("again");
        resume(first, again);

        String second = again.last(Welcome.class).resume();
        assertThat(first).hasSizeGreaterThan(20);
        assertThat(second).isNotEqualTo(first);
        assertThat(resume(first, new RecordingPeer("replay"))).as("a used token is spent").isNull();
    }

    @Test
    void aDroppedUserResumesWithNickAndRoomsAndNobodySawThemGo() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(alice, "attic");
        join(bob, "lobby");
        peer(bob).clear();

        chat.drop(alice, alice.peer());
        clock.advance(GRACE.minusSeconds(1));
        chat.expireDroppedUsers();
        var newPeer = new RecordingPeer("alice-2");
        var resumed = resume(token(alice), newPeer);

        assertThat(resumed).isSameAs(alice);
        assertThat(newPeer.last(Welcome.class)).extracting(Welcome::nick, Welcome::resumed, Welcome::rooms)
                .containsExactly("alice", true, List.of("attic", "lobby"));
        assertThat(peer(bob).received(Presence.class)).isEmpty();
    }

    @Test
    void aDroppedUsersNickIsHeldDuringTheGracePeriod() {
        var alice = user("alice");
        var bob = user("bob");

        chat.drop(alice, alice.peer());
        send(bob, "{\"type\":\"nick\",\"nick\":\"alice\"}");

        assertThat(peer(bob).last(ServerEvent.Error.class).code()).isEqualTo(409);
    }

    @Test
    void afterTheGracePeriodADroppedUserLeavesAndTheNickIsFree() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(bob, "lobby");
        String token = token(alice);

        chat.drop(alice, alice.peer());
        clock.advance(GRACE);
        chat.expireDroppedUsers();

        assertThat(peer(bob).last(Presence.class)).isEqualTo(new Presence("lobby", "alice", "leave"));
        assertThat(resume(token, new RecordingPeer("late"))).isNull();
        send(bob, "{\"type\":\"nick\",\"nick\":\"alice\"}");
        assertThat(bob.nick()).isEqualTo("alice");
    }

    @Test
    void aCleanDisconnectLeavesAtOnce() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(bob, "lobby");

        chat.disconnect(alice, alice.peer());

        assertThat(peer(bob).last(Presence.class)).isEqualTo(new Presence("lobby", "alice", "leave"));
    }

    @Test
    void whispersDuringTheGapArriveAfterTheResumedWelcome() {
        var alice = user("alice");
        var bob = user("bob");
        chat.drop(alice, alice.peer());

        send(bob, "{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"you there?\",\"ref\":\"w\"}");
        var newPeer = new RecordingPeer("alice-2");
        resume(token(alice), newPeer);

        assertThat(peer(bob).last(ServerEvent.Ok.class).ref()).isEqualTo("w");
        assertThat(newPeer.received()).hasSize(2);
        assertThat(newPeer.received().get(0)).isInstanceOf(Welcome.class);
        assertThat(newPeer.received().get(1)).isInstanceOfSatisfying(ServerEvent.WhisperMessage.class,
                whisper -> assertThat(whisper.text()).isEqualTo("you there?"));
    }

    @Test
    void aResumedConnectionGetsRecentWhispersAgainInCaseTheDeadOneSwallowedThem() {
        var alice = user("alice");
        var bob = user("bob");
        send(bob, "{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"into the void?\"}");
        clock.advance(GRACE.plusSeconds(1));
        send(bob, "{\"type\":\"whisper\",\"to\":\"alice\",\"text\":\"recent\"}");

        var newPeer = new RecordingPeer("alice-2");
        resume(token(alice), newPeer);

        assertThat(newPeer.received(ServerEvent.WhisperMessage.class)).extracting(ServerEvent.WhisperMessage::text)
                .containsExactly("recent");
    }

    @Test
    void resumingOnANewConnectionClosesTheOldOneAsReplaced() {
        var alice = user("alice");
        var oldPeer = peer(alice);

        resume(token(alice), new RecordingPeer("alice-2"));

        assertThat(oldPeer.closeCode()).isEqualTo(CloseCodes.REPLACED);
        chat.drop(alice, oldPeer);
        assertThat(alice.peer().id()).as("the old connection's end does not drop the new one").isEqualTo("alice-2");
    }

    @Test
    void aResumedUserGetsNothingLiveFromARoomUntilJoiningItAgain() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(bob, "lobby");
        chat.drop(alice, alice.peer());
        var newPeer = new RecordingPeer("alice-2");
        resume(token(alice), newPeer);

        say(bob, "lobby", "during the rejoin");
        assertThat(newPeer.received(Message.class)).isEmpty();

        send(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"0\"}");
        say(bob, "lobby", "after");

        assertThat(newPeer.last(Joined.class).history()).extracting(Message::text).containsExactly("during the rejoin");
        assertThat(newPeer.received(Message.class)).extracting(Message::text).containsExactly("after");
    }

    @Test
    void aJoinSinceAnIdGetsEveryLaterBufferedMessage() {
        var alice = user("alice");
        join(alice, "lobby");
        IntStream.rangeClosed(1, 4).forEach(i -> say(alice, "lobby", "m" + i));

        send(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"2\"}");

        assertThat(peer(alice).last(Joined.class).history()).extracting(Message::id).containsExactly("3", "4");
        assertThat(peer(alice).last(Joined.class).missed()).isZero();
    }

    @Test
    void aJoinSinceAnIdBeyondTheBufferCountsTheMissedMessages() {
        var alice = user("alice");
        join(alice, "lobby");
        IntStream.rangeClosed(1, 9).forEach(i -> say(alice, "lobby", "m" + i));

        send(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"1\"}");

        Joined joined = peer(alice).last(Joined.class);
        assertThat(joined.history()).extracting(Message::id).containsExactly("5", "6", "7", "8", "9");
        assertThat(joined.missed()).isEqualTo(3);
    }

    @Test
    void aPlainJoinGetsTheShorterHistory() {
        var alice = user("alice");
        join(alice, "lobby");
        IntStream.rangeClosed(1, 9).forEach(i -> say(alice, "lobby", "m" + i));
        var bob = user("bob");

        join(bob, "lobby");

        assertThat(peer(bob).last(Joined.class).history()).extracting(Message::id).containsExactly("7", "8", "9");
    }

    @Test
    void aSinceThatIsNotAMessageIdIsRefused() {
        var alice = user("alice");

        send(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"w7\"}");

        assertThat(peer(alice).last(ServerEvent.Error.class).reason()).isEqualTo("BAD_FIELD");
    }

    @Test
    void aSinceNewerThanTheRoomGetsPlainHistory() {
        var alice = user("alice");
        join(alice, "lobby");
        say(alice, "lobby", "only");

        send(alice, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"9000\"}");

        assertThat(peer(alice).last(Joined.class).history()).extracting(Message::text).containsExactly("only");
    }

    // --- helpers

    private ChatUser user(String nick) {
        ChatUser user = chat.connect(new RecordingPeer(nick));
        send(user, codec.encode(new ClientEvent.Nick(nick, null)));
        return user;
    }

    private String token(ChatUser user) {
        return peer(user).last(Welcome.class).resume();
    }

    private void join(ChatUser user, String room) {
        send(user, codec.encode(new ClientEvent.Join(room, null)));
    }

    private void say(ChatUser user, String room, String text) {
        send(user, codec.encode(new ClientEvent.Say(room, text, null)));
    }

    private void send(ChatUser user, String frame) {
        router.route(user, frame);
    }

    private ChatUser resume(String token, RecordingPeer peer) {
        return chat.resume(token, peer).toCompletableFuture().join();
    }

    private static RecordingPeer peer(ChatUser user) {
        return (RecordingPeer) user.peer();
    }
}
