package parley.server.routing;

import org.junit.jupiter.api.Test;
import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.Welcome;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.chat.ChatState;
import parley.server.chat.ChatUser;
import parley.server.chat.MutableClock;
import parley.server.chat.RecordingPeer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server alone saved when it stops and restored when it starts again, without sockets. */
class RestartRulesTest {
    private static final Duration GRACE = Duration.ofSeconds(120);

    private final EventCodec codec = new EventCodec();
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_732_400_000_000L));
    private ChatService chat = newChat();
    private EventRouter router = ChatHandlers.router(chat, codec);

    @Test
    void theGracePeriodRunsOnThroughTheRestart() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(bob, "lobby");
        String bobsToken = token(bob);
        String alicesToken = token(alice);
        chat.drop(alice, alice.peer());
        clock.advance(Duration.ofSeconds(100));

        assertThat(restart(Duration.ofSeconds(10))).as("users waiting to resume").isEqualTo(2);
        var bobAgain = new RecordingPeer("bob-2");
        ChatUser resumedBob = resume(bobsToken, bobAgain);
        send(resumedBob, codec.encode(new ClientEvent.Join("lobby", null)));
        clock.advance(Duration.ofSeconds(11));
        chat.expireDroppedUsers();

        assertThat(bobAgain.last(Joined.class).members()).containsExactly("alice", "bob");
        assertThat(bobAgain.last(Presence.class)).isEqualTo(new Presence("lobby", "alice", "leave"));
        assertThat(bobAgain.last(ServerEvent.RoleChanged.class))
                .as("the member who has been there longest becomes the operator")
                .extracting(ServerEvent.RoleChanged::nick, ServerEvent.RoleChanged::role)
                .containsExactly("bob", ServerEvent.OPERATOR);
        assertThat(resume(alicesToken, new RecordingPeer("alice-late"))).as("alice's grace period ran out").isNull();
    }

    @Test
    void usersWhoseGracePeriodRanOutWhileTheServerWasDownAreGone() {
        var alice = user("alice");
        join(alice, "lobby");
        String token = token(alice);

        int waiting = restart(GRACE);

        assertThat(waiting).as("users waiting to resume").isZero();
        assertThat(resume(token, new RecordingPeer("alice-late"))).isNull();
        assertThat(chat.health()).containsEntry("users", 0).containsEntry("rooms", 0);
        assertThat(user("alice").nick()).as("the nickname is free").isEqualTo("alice");
    }

    @Test
    void aGuestComesBackUnderItsGuestNickname() {
        var guest = chat.connect(new RecordingPeer("guest"));
        String token = token(guest);

        restart(Duration.ofSeconds(5));
        var again = new RecordingPeer("guest-again");
        resume(token, again);
        var newcomer = chat.connect(new RecordingPeer("newcomer"));

        assertThat(again.last(Welcome.class).nick()).isEqualTo(guest.nick());
        assertThat(newcomer.nick()).isNotEqualTo(guest.nick());
    }

    @Test
    void aSmallerResumeBufferAfterTheRestartKeepsTheNewestMessagesAndCountsTheRestAsMissed() {
        var alice = user("alice");
        var bob = user("bob");
        join(alice, "lobby");
        join(bob, "lobby");
        for (int i = 1; i <= 8; i++) {
            send(alice, codec.encode(new ClientEvent.Say("lobby", "m" + i, null)));
        }
        String token = token(bob);
        ChatState saved = chat.save();
        chat.close();

        chat = ChatService.alone(codec, ChatLimits.defaults().withGracePeriod(GRACE).withHistory(2, 3), clock);
        router = ChatHandlers.router(chat, codec);
        chat.restore(saved);
        var again = new RecordingPeer("bob-2");
        ChatUser resumed = resume(token, again);
        send(resumed, codec.encode(new ClientEvent.Join("lobby", "2", null, null)));

        Joined joined = again.last(Joined.class);
        assertThat(joined.history()).extracting(ServerEvent.Message::text).containsExactly("m6", "m7", "m8");
        assertThat(joined.missed()).isEqualTo(3);
    }

    @Test
    void aStateIsRestoredOnlyIntoAnEmptyChat() {
        ChatState saved = chat.save();
        user("carol");

        assertThatThrownBy(() -> chat.restore(saved)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStateOfAnotherFormatIsRefusedAndNothingIsRestored() {
        user("dave");
        ChatState saved = chat.save();
        ChatState other = new ChatState(ChatState.FORMAT + 1, saved.savedAt(), 0, saved.rooms(), saved.users());
        var fresh = newChat();

        assertThatThrownBy(() -> fresh.restore(other)).isInstanceOf(IllegalArgumentException.class);
        assertThat(fresh.health()).containsEntry("users", 0);
    }

    /** The server stops (saving), stays down for {@code down}, and starts again (restoring): the users waiting. */
    private int restart(Duration down) {
        ChatState saved = chat.save();
        chat.close();
        clock.advance(down);
        chat = newChat();
        router = ChatHandlers.router(chat, codec);
        return chat.restore(saved);
    }

    private ChatService newChat() {
        return ChatService.alone(codec, ChatLimits.defaults().withGracePeriod(GRACE), clock);
    }

    private ChatUser user(String nick) {
        ChatUser user = chat.connect(new RecordingPeer(nick));
        send(user, codec.encode(new ClientEvent.Nick(nick, null)));
        return user;
    }

    private String token(ChatUser user) {
        return ((RecordingPeer) user.peer()).last(Welcome.class).resume();
    }

    private void join(ChatUser user, String room) {
        send(user, codec.encode(new ClientEvent.Join(room, null)));
    }

    private void send(ChatUser user, String frame) {
        router.route(user, frame);
    }

    private ChatUser resume(String token, RecordingPeer peer) {
        return chat.resume(token, peer).toCompletableFuture().join();
    }
}
