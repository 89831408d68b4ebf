package parley.server.routing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.chat.ChatUser;
import parley.server.chat.MutableClock;
import parley.server.chat.RecordingPeer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms people run (topic, roles, kick, ban, modes, invitations), actions, away and whois, without sockets. */
abstract class RoomRulesTest {
    private static final long NOW = 1_732_400_000_000L;

    private final EventCodec codec = new EventCodec();
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(NOW));
    private ChatService chat;
    private EventRouter router;

    abstract ChatService newChat(EventCodec codec, ChatLimits limits, Clock clock);

    @BeforeEach
    void startChat() {
        chat = newChat(codec, ChatLimits.defaults(), clock);
        router = ChatHandlers.router(chat, codec);
    }

    @AfterEach
    void stopChat() {
        chat.close();
    }

    // --- what the server announces

    @Test
    void welcomeAnnouncesTheFeaturesAndTheLimits() {
        var peer = new RecordingPeer("a");
        chat.announce(20, 40, 65536);
        chat.connect(peer);

        var welcome = peer.last(ServerEvent.Welcome.class);
        assertThat(welcome.features()).containsExactly("topic", "action", "away", "whois", "moderation");
        assertThat(welcome.limits()).isEqualTo(new ServerEvent.Limits(2000, 300, 50, 20, 40, 65536));
    }

    // --- operators

    @Test
    void theFirstMemberIsTheOperatorAndJoinedSaysHowTheRoomIsRun() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");

        Joined joined = peer(bob).last(Joined.class);
        assertThat(joined.roles()).isEqualTo(Map.of("ann", "op"));
        assertThat(joined.modes()).isEqualTo(ServerEvent.Modes.NONE);
        assertThat(joined.topic()).isNull();
        assertThat(joined.away()).isNull();
    }

    @Test
    void whenTheLastOperatorLeavesTheLongestMemberBecomesOne() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        join("lobby", ann, bob, carol);
        clearAll(bob, carol);

        send(ann, "{\"type\":\"leave\",\"room\":\"lobby\"}");

        assertThat(peer(carol).received()).containsExactly(new ServerEvent.Presence("lobby", "ann", "leave"),
                new ServerEvent.RoleChanged("lobby", "bob", "op", null));
        send(bob, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"carol\",\"ref\":\"k\"}");
        assertThat(peer(bob).last(ServerEvent.Ok.class).ref()).isEqualTo("k");
    }

    @Test
    void aDroppedOperatorKeepsTheRoleOnResume() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);
        String token = peer(ann).last(ServerEvent.Welcome.class).resume();

        chat.drop(ann, ann.peer());
        var again = new RecordingPeer("ann-again");
        ChatUser resumed = chat.resume(token, again).toCompletableFuture().join();
        send(resumed, "{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"0\"}");

        assertThat(again.last(Joined.class).roles()).isEqualTo(Map.of("ann", "op"));
        assertThat(peer(bob).received(ServerEvent.RoleChanged.class)).isEmpty();
    }

    @Test
    void onlyOperatorsGiveRolesAndTheRoleFollowsARename() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);

        send(bob, "{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"ann\",\"role\":\"none\",\"ref\":\"1\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_OPERATOR");
        assertThat(lastError(bob).code()).isEqualTo(403);

        send(ann, "{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"BOB\",\"role\":\"voice\"}");
        assertThat(peer(bob).last(ServerEvent.RoleChanged.class))
                .isEqualTo(new ServerEvent.RoleChanged("lobby", "bob", "voice", "ann"));

        send(ann, "{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"zed\",\"role\":\"op\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_USER");
        send(ann, "{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"bob\",\"role\":\"king\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");

        send(bob, "{\"type\":\"nick\",\"nick\":\"robert\"}");
        var carol = user("carol");
        send(carol, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(carol).last(Joined.class).roles()).isEqualTo(Map.of("ann", "op", "robert", "voice"));
    }

    // --- topic

    @Test
    void aMemberSetsTheTopicEveryoneSeesItAndJoinersGetIt() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);

        send(bob, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Release on Friday\",\"ref\":\"t\"}");

        var event = new ServerEvent.TopicChanged("lobby", "Release on Friday", "bob", NOW);
        assertThat(peer(ann).last(ServerEvent.TopicChanged.class)).isEqualTo(event);
        assertThat(peer(bob).last(ServerEvent.TopicChanged.class)).isEqualTo(event);
        var carol = user("carol");
        send(carol, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(carol).last(Joined.class).topic())
                .isEqualTo(new ServerEvent.TopicInfo("Release on Friday", "bob", NOW));

        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"\"}");
        assertThat(peer(carol).last(ServerEvent.TopicChanged.class).topic()).isEmpty();
        var dave = user("dave");
        send(dave, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(dave).last(Joined.class).topic()).isNull();
    }

    @Test
    void aTopicFollowsTheTextRulesOnOneLineOfAtMost300Characters() {
        var ann = user("ann");
        join("lobby", ann);

        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"" + "x".repeat(300) + "\",\"ref\":\"ok\"}");
        assertThat(peer(ann).last(ServerEvent.Ok.class).ref()).isEqualTo("ok");
        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"" + "x".repeat(301) + "\"}");
        assertThat(lastError(ann).reason()).isEqualTo("TEXT_TOO_LONG");
        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"two\\nlines\"}");
        assertThat(lastError(ann).reason()).isEqualTo("INVALID_TEXT");
        var bob = user("bob");
        send(bob, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"mine\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_IN_ROOM");
        send(bob, "{\"type\":\"topic\",\"room\":\"nowhere\",\"topic\":\"mine\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NO_SUCH_ROOM");
    }

    @Test
    void aLockedTopicIsForOperatorsOnly() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);
        send(ann, "{\"type\":\"mode\",\"room\":\"lobby\",\"topicLocked\":true}");

        send(bob, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"mine\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_OPERATOR");

        send(ann, "{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"ours\",\"ref\":\"t\"}");
        assertThat(peer(bob).last(ServerEvent.TopicChanged.class).topic()).isEqualTo("ours");
    }

    // --- actions

    @Test
    void actionsCarryTheirKindLiveAndInHistory() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);

        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"waves\",\"kind\":\"action\"}");
        send(ann, "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"winks\",\"kind\":\"action\"}");

        assertThat(peer(bob).last(ServerEvent.Message.class).kind()).isEqualTo("action");
        assertThat(peer(bob).last(ServerEvent.WhisperMessage.class).kind()).isEqualTo("action");
        var carol = user("carol");
        send(carol, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(carol).last(Joined.class).history()).singleElement()
                .satisfies(message -> assertThat(message.kind()).isEqualTo("action"));
        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"kind\":\"shout\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");
        send(ann, "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"hi\",\"kind\":\"\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");
    }

    // --- away and whois

    @Test
    void awayReachesTheUserAndThoseSharingARoomAndShowsInJoinedAndWhisperAnswers() {
        var ann = user("ann");
        var bob = user("bob");
        var stranger = user("stranger");
        join("lobby", ann, bob);

        send(bob, "{\"type\":\"away\",\"message\":\"lunch\"}");

        var away = new ServerEvent.AwayChanged("bob", "lunch");
        assertThat(peer(bob).last(ServerEvent.AwayChanged.class)).isEqualTo(away);
        assertThat(peer(ann).last(ServerEvent.AwayChanged.class)).isEqualTo(away);
        assertThat(peer(stranger).received(ServerEvent.AwayChanged.class)).isEmpty();
        send(stranger, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(stranger).last(Joined.class).away()).isEqualTo(Map.of("bob", "lunch"));
        send(ann, "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"there?\",\"ref\":\"w\"}");
        assertThat(peer(ann).last(ServerEvent.Ok.class).away()).isEqualTo("lunch");

        send(bob, "{\"type\":\"away\"}");
        assertThat(peer(ann).last(ServerEvent.AwayChanged.class)).isEqualTo(new ServerEvent.AwayChanged("bob", null));
        send(ann, "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"back?\",\"ref\":\"w2\"}");
        assertThat(peer(ann).last(ServerEvent.Ok.class).away()).isNull();
        send(bob, "{\"type\":\"away\",\"message\":\"" + "z".repeat(301) + "\"}");
        assertThat(lastError(bob).reason()).isEqualTo("TEXT_TOO_LONG");
    }

    @Test
    void awaySurvivesAResume() {
        var bob = user("bob");
        send(bob, "{\"type\":\"away\",\"message\":\"lunch\"}");
        String token = peer(bob).last(ServerEvent.Welcome.class).resume();

        chat.drop(bob, bob.peer());
        ChatUser resumed = chat.resume(token, new RecordingPeer("bob-again")).toCompletableFuture().join();

        assertThat(resumed.away()).isEqualTo("lunch");
    }

    @Test
    void whoisTellsRoomsAwayIdleTimeAndHidesInviteOnlyRoomsFromOutsiders() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);
        join("den", bob);
        send(bob, "{\"type\":\"mode\",\"room\":\"den\",\"inviteOnly\":true}");
        send(bob, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\"}");
        send(bob, "{\"type\":\"away\",\"message\":\"lunch\"}");
        clock.advance(Duration.ofSeconds(42));

        send(ann, "{\"type\":\"whois\",\"nick\":\"BOB\",\"ref\":\"q\"}");

        assertThat(peer(ann).last(ServerEvent.WhoisReply.class))
                .isEqualTo(new ServerEvent.WhoisReply("bob", List.of("lobby"), "lunch", 42, NOW, false));
        send(bob, "{\"type\":\"whois\",\"nick\":\"bob\"}");
        assertThat(peer(bob).last(ServerEvent.WhoisReply.class).rooms()).containsExactly("den", "lobby");
        send(ann, "{\"type\":\"whois\",\"nick\":\"nobody\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_USER");
    }

    // --- kick and ban

    @Test
    void aKickedMemberHearsWhyAndIsOutWithoutALeaveButMayComeBack() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        join("lobby", ann, bob, carol);
        clearAll(ann, bob, carol);

        send(ann, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"cool off\",\"ref\":\"k\"}");

        var kicked = new ServerEvent.Kicked("lobby", "bob", "ann", "cool off");
        assertThat(peer(bob).received()).containsExactly(kicked);
        assertThat(peer(carol).received()).containsExactly(kicked);
        send(bob, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hey\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_IN_ROOM");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(bob).last(Joined.class).members()).containsExactly("ann", "bob", "carol");
    }

    @Test
    void kickRefusals() {
        var ann = user("ann");
        var bob = user("bob");
        join("lobby", ann, bob);

        send(bob, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"ann\"}");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_OPERATOR");
        send(ann, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"ann\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");
        send(ann, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"zed\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_USER");
        send(ann, "{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"" + "r".repeat(301) + "\"}");
        assertThat(lastError(ann).reason()).isEqualTo("TEXT_TOO_LONG");
        send(ann, "{\"type\":\"kick\",\"room\":\"attic\",\"nick\":\"bob\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_ROOM");
    }

    @Test
    void aBanKicksTheMemberAndKeepsTheNicknameAndTheAddressOut() {
        var ann = user("ann");
        var bob = user("bob", "203.0.113.9");
        join("lobby", ann, bob);
        clearAll(bob);

        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"spam\"}");

        assertThat(peer(bob).received()).containsExactly(new ServerEvent.Banned("lobby", "bob", "ann", "spam"),
                new ServerEvent.Kicked("lobby", "bob", "ann", "spam"));
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"j\"}");
        assertThat(lastError(bob).reason()).isEqualTo("BANNED");
        var sockPuppet = user("bobby", "203.0.113.9");
        send(sockPuppet, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(lastError(sockPuppet).reason()).isEqualTo("BANNED");
        chat.disconnect(bob, bob.peer());
        var sameNameElsewhere = user("BOB");
        send(sameNameElsewhere, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(lastError(sameNameElsewhere).reason()).as("a nickname ban ignores case").isEqualTo("BANNED");
        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"ann\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");
    }

    @Test
    void bansAreListedForMembersAndLiftedByOperators() {
        var ann = user("ann");
        var carol = user("carol");
        join("lobby", ann, carol);
        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"mallory\",\"reason\":\"known troll\"}");
        clock.advance(Duration.ofSeconds(1));
        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"trent\"}");

        send(carol, "{\"type\":\"bans\",\"room\":\"lobby\"}");
        assertThat(peer(carol).last(ServerEvent.BanList.class)).isEqualTo(new ServerEvent.BanList("lobby", List.of(
                new ServerEvent.BanInfo("mallory", "ann", NOW, "known troll"),
                new ServerEvent.BanInfo("trent", "ann", NOW + 1000, null))));
        assertThat(peer(carol).last(ServerEvent.Banned.class)).isEqualTo(new ServerEvent.Banned("lobby", "trent", "ann", null));

        send(carol, "{\"type\":\"unban\",\"room\":\"lobby\",\"nick\":\"trent\"}");
        assertThat(lastError(carol).reason()).isEqualTo("NOT_OPERATOR");
        send(ann, "{\"type\":\"unban\",\"room\":\"lobby\",\"nick\":\"TRENT\"}");
        assertThat(peer(carol).last(ServerEvent.Unbanned.class)).isEqualTo(new ServerEvent.Unbanned("lobby", "trent", "ann"));
        send(ann, "{\"type\":\"unban\",\"room\":\"lobby\",\"nick\":\"trent\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_USER");
        var trent = user("trent");
        send(trent, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(trent).last(Joined.class).room()).isEqualTo("lobby");
    }

    @Test
    void bansGoWithTheRoom() {
        var ann = user("ann");
        join("lobby", ann);
        send(ann, "{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"bob\"}");
        send(ann, "{\"type\":\"leave\",\"room\":\"lobby\"}");

        var bob = user("bob");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");

        assertThat(peer(bob).last(Joined.class).roles()).isEqualTo(Map.of("bob", "op"));
    }

    // --- modes and invitations

    @Test
    void aModeratedRoomLetsOnlyOperatorsAndVoicedMembersSpeak() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        join("lobby", ann, bob, carol);

        send(ann, "{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":true}");
        assertThat(peer(carol).last(ServerEvent.ModeChanged.class)).isEqualTo(new ServerEvent.ModeChanged("lobby",
                new ServerEvent.Modes(false, true, false, false), "ann"));
        send(ann, "{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"bob\",\"role\":\"voice\"}");

        send(carol, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"me too\"}");
        assertThat(lastError(carol).reason()).isEqualTo("MODERATED");
        send(bob, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"voiced\"}");
        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"op\"}");
        assertThat(peer(carol).received(ServerEvent.Message.class)).extracting(ServerEvent.Message::text)
                .containsExactly("voiced", "op");
        send(carol, "{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":false}");
        assertThat(lastError(carol).reason()).isEqualTo("NOT_OPERATOR");
    }

    @Test
    void anInvitationOpensAnInviteOnlyRoomOnceWithinTenMinutes() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        join("den", ann, carol);
        send(ann, "{\"type\":\"mode\",\"room\":\"den\",\"inviteOnly\":true}");

        send(bob, "{\"type\":\"join\",\"room\":\"den\"}");
        assertThat(lastError(bob).reason()).isEqualTo("INVITE_ONLY");
        send(carol, "{\"type\":\"invite\",\"room\":\"den\",\"nick\":\"bob\"}");
        assertThat(lastError(carol).reason()).isEqualTo("NOT_OPERATOR");

        send(ann, "{\"type\":\"invite\",\"room\":\"den\",\"nick\":\"bob\",\"ref\":\"i\"}");
        assertThat(peer(bob).last(ServerEvent.Invited.class)).isEqualTo(new ServerEvent.Invited("den", "ann"));
        send(bob, "{\"type\":\"join\",\"room\":\"den\"}");
        assertThat(peer(bob).last(Joined.class).room()).isEqualTo("den");
        send(bob, "{\"type\":\"leave\",\"room\":\"den\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"den\"}");
        assertThat(lastError(bob).reason()).as("an invitation is used once").isEqualTo("INVITE_ONLY");

        send(ann, "{\"type\":\"invite\",\"room\":\"den\",\"nick\":\"bob\"}");
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        send(bob, "{\"type\":\"join\",\"room\":\"den\"}");
        assertThat(lastError(bob).reason()).as("an invitation runs out").isEqualTo("INVITE_ONLY");
        send(ann, "{\"type\":\"invite\",\"room\":\"den\",\"nick\":\"nobody\"}");
        assertThat(lastError(ann).reason()).isEqualTo("NO_SUCH_USER");
    }

    @Test
    void aKeyedRoomNeedsTheKeyOrAnInvitationButNeverPassesABan() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        join("vault", ann);
        send(ann, "{\"type\":\"mode\",\"room\":\"vault\",\"key\":\"s3cret\"}");
        assertThat(peer(ann).last(ServerEvent.ModeChanged.class).modes().key()).isTrue();

        send(bob, "{\"type\":\"join\",\"room\":\"vault\"}");
        assertThat(lastError(bob).reason()).isEqualTo("BAD_KEY");
        send(bob, "{\"type\":\"join\",\"room\":\"vault\",\"key\":\"guess\"}");
        assertThat(lastError(bob).reason()).isEqualTo("BAD_KEY");
        send(bob, "{\"type\":\"join\",\"room\":\"vault\",\"key\":\"s3cret\"}");
        assertThat(peer(bob).last(Joined.class).modes()).isEqualTo(new ServerEvent.Modes(false, false, false, true));

        send(ann, "{\"type\":\"invite\",\"room\":\"vault\",\"nick\":\"carol\"}");
        send(ann, "{\"type\":\"ban\",\"room\":\"vault\",\"nick\":\"carol\"}");
        send(carol, "{\"type\":\"join\",\"room\":\"vault\"}");
        assertThat(lastError(carol).reason()).isEqualTo("BANNED");

        send(ann, "{\"type\":\"mode\",\"room\":\"vault\",\"key\":\"\"}");
        assertThat(peer(bob).last(ServerEvent.ModeChanged.class).modes().key()).isFalse();
        send(ann, "{\"type\":\"mode\",\"room\":\"vault\",\"key\":\"has space\"}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");
    }

    // --- helpers

    private ChatUser user(String nick) {
        return user(nick, null);
    }

    private ChatUser user(String nick, String address) {
        ChatUser user = chat.connect(address == null ? new RecordingPeer(nick) : new RecordingPeer(nick, address));
        send(user, "{\"type\":\"nick\",\"nick\":\"" + nick + "\"}");
        assertThat(user.nick()).isEqualTo(nick);
        return user;
    }

    private void join(String room, ChatUser... users) {
        for (ChatUser user : users) {
            send(user, "{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertThat(user.rooms()).anyMatch(joined -> joined.name().equals(room));
        }
    }

    private void send(ChatUser user, String frame) {
        router.route(user, frame);
    }

    private static RecordingPeer peer(ChatUser user) {
        return (RecordingPeer) user.peer();
    }

    private static ServerEvent.Error lastError(ChatUser user) {
        return peer(user).last(ServerEvent.Error.class);
    }

    private static void clearAll(ChatUser... users) {
        for (ChatUser user : users) {
            peer(user).clear();
        }
    }
}
