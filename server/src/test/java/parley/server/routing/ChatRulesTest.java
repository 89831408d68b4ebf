package parley.server.routing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import parley.protocol.ClientEvent;
import parley.protocol.ErrorReason;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.NickChanged;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.WhisperMessage;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatUser;
import parley.server.chat.ChatService;
import parley.server.chat.RecordingPeer;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of PROTOCOL.md, checked through the router and the in-memory chat, without sockets. */
abstract class ChatRulesTest {
    private static final long NOW = 1_732_400_000_000L;

    private final EventCodec codec = new EventCodec();
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
        chat = newChat(codec, ChatLimits.defaults(), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        router = ChatHandlers.router(chat, codec);
    }

    // --- connecting and nicknames

    @Test
    void everyConnectionIsWelcomedWithACountingGuestNick() {
        var first = new RecordingPeer("a");
        var second = new RecordingPeer("b");

        chat.connect(first);
        chat.connect(second);

        assertThat(first.received()).singleElement().isInstanceOfSatisfying(ServerEvent.Welcome.class, welcome -> {
            assertThat(welcome.nick()).isEqualTo("guest-1");
            assertThat(welcome.version()).isEqualTo(1);
            assertThat(welcome.resumed()).isFalse();
        });
        assertThat(second.last(ServerEvent.Welcome.class).nick()).isEqualTo("guest-2");
    }

    @Test
    void aRenameReachesTheUserAndEveryoneSharingARoomButNobodyElse() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");
        clearAll(ann, bob, carol);

        send(ann, "{\"type\":\"nick\",\"nick\":\"annie\",\"ref\":\"1\"}");

        assertThat(peer(ann).received()).containsExactly(new NickChanged("ann", "annie"), new ServerEvent.Ok("1", null));
        assertThat(peer(bob).received()).containsExactly(new NickChanged("ann", "annie"));
        assertThat(peer(carol).received()).isEmpty();
        assertThat(ann.nick()).isEqualTo("annie");
    }

    @Test
    void aNickHeldByAnotherUserIsRefusedIgnoringCase() {
        user("alice");
        var other = user("bob");

        send(other, "{\"type\":\"nick\",\"nick\":\"ALICE\",\"ref\":\"7\"}");

        assertThat(lastError(other)).isEqualTo(ServerEvent.Error.of("7", ErrorReason.NICK_TAKEN, "the nickname ALICE is taken"));
        assertThat(other.nick()).isEqualTo("bob");
    }

    @Test
    void aUserMayChangeTheCaseOfTheirOwnNick() {
        var alice = user("alice");

        send(alice, "{\"type\":\"nick\",\"nick\":\"Alice\"}");

        assertThat(peer(alice).last(NickChanged.class)).isEqualTo(new NickChanged("alice", "Alice"));
    }

    @Test
    void aFreedNickCanBeTakenAgain() {
        var alice = user("alice");
        var bob = user("bob");
        send(alice, "{\"type\":\"nick\",\"nick\":\"alicia\"}");

        send(bob, "{\"type\":\"nick\",\"nick\":\"alice\"}");

        assertThat(bob.nick()).isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ＡＬＩＣＥ", "ALİCE", "\u0430lice", "\u03b1lice", "a1ice", "Alicé"})
    void aNickThatLooksLikeAHeldOneIsTaken(String lookAlike) {
        user("alice");
        var other = user("bob");

        send(other, codec.encode(new ClientEvent.Nick(lookAlike, "7")));

        assertThat(lastError(other).code()).isEqualTo(409);
        assertThat(lastError(other).reason()).isEqualTo("NICK_TAKEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u3164", "\uFFA0", "al\u200Dice", "alice\uFE0F"})
    void nicksThatShowAsNothingAreRefused(String nick) {
        var user = user("keeper");

        send(user, codec.encode(new ClientEvent.Nick(nick, "n")));

        assertThat(lastError(user).reason()).isEqualTo("INVALID_NICK");
    }

    @Test
    void aRoomThatLooksLikeAnotherIsTheSameRoom() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        clearAll(ann, bob);

        send(bob, codec.encode(new ClientEvent.Join("ｌ\u043ebby", null, null)));

        assertThat(peer(bob).last(Joined.class).room()).isEqualTo("lobby");
        assertThat(peer(bob).last(Joined.class).members()).containsExactlyInAnyOrder("ann", "bob");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "a b", "tab\there", "line\nbreak", "cr\rlf", "zero\u200bwidth", "bidi\u202eoverride",
            "nul\u0000", "bang!", "at@sign", "emoji\uD83D\uDE00", "combining\u0301\u0301", "123456789012345678901234567890123"})
    void nicksThatBreakTheCharacterOrLengthRulesAreRefused(String nick) {
        var user = user("keeper");

        send(user, codec.encode(new ClientEvent.Nick(nick, "n")));

        assertThat(lastError(user).code()).isEqualTo(400);
        assertThat(lastError(user).reason()).isEqualTo("INVALID_NICK");
        assertThat(user.nick()).isEqualTo("keeper");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Zoë", "名前", "under_score", "dash-dot.name", "12345678901234567890123456789012"})
    void nicksOfLettersDigitsAndUnderscoreDashDotAreAccepted(String nick) {
        var user = user("keeper");

        send(user, codec.encode(new ClientEvent.Nick(nick, null)));

        assertThat(user.nick()).isEqualTo(nick);
    }

    @Test
    void nicksAreTrimmedAndNormalisedToNfcBeforeTheRulesApply() {
        var user = user("keeper");

        send(user, codec.encode(new ClientEvent.Nick("  Zoe\u0308  ", null)));

        assertThat(user.nick()).isEqualTo("Zo\u00eb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"guest-9", "GUEST-1", "guest-alice"})
    void nicksStartingWithGuestAreReservedForTheServer(String nick) {
        var user = user("keeper");

        send(user, codec.encode(new ClientEvent.Nick(nick, null)));

        assertThat(lastError(user).reason()).isEqualTo("NICK_RESERVED");
        assertThat(lastError(user).code()).isEqualTo(400);
    }

    // --- rooms

    @Test
    void aJoinerGetsTheMembersAndHistoryAndTheOthersSeeThemArrive() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"first\"}");
        var bob = user("bob");

        send(bob, "{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"2\"}");

        assertThat(peer(bob).received(Joined.class)).containsExactly(new Joined("lobby", List.of("ann", "bob"),
                List.of(new Message("1", "lobby", "ann", "first", NOW)), 0, null, null, java.util.Map.of("ann", "op"),
                ServerEvent.Modes.NONE));
        assertThat(peer(bob).last(ServerEvent.Ok.class)).isEqualTo(new ServerEvent.Ok("2", null));
        assertThat(peer(ann).last(Presence.class)).isEqualTo(new Presence("lobby", "bob", "join"));
    }

    @Test
    void historyOnJoinIsTheRoomsLast50MessagesOldestFirst() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        IntStream.rangeClosed(1, 60).forEach(i -> say(ann, "lobby", "m" + i));
        var bob = user("bob");

        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");

        List<Message> history = peer(bob).last(Joined.class).history();
        assertThat(history).hasSize(50);
        assertThat(history.get(0).text()).isEqualTo("m11");
        assertThat(history.get(49).text()).isEqualTo("m60");
    }

    @Test
    void roomNamesAreComparedIgnoringCaseAndKeepTheirFirstSpelling() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"Lobby\"}");

        send(bob, "{\"type\":\"join\",\"room\":\"LOBBY\"}");

        assertThat(peer(bob).last(Joined.class).room()).isEqualTo("Lobby");
        assertThat(chat.rooms().toCompletableFuture().join()).containsExactly(new ServerEvent.RoomInfo("Lobby", 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "semi;colon", "\u202eevil", "1234567890123456789012345678901234567890123456789012345678901234X"})
    void roomNamesThatBreakTheRulesAreRefused(String room) {
        var ann = user("ann");

        send(ann, codec.encode(new ClientEvent.Join(room, null)));

        assertThat(lastError(ann).reason()).isEqualTo("INVALID_ROOM");
        assertThat(lastError(ann).code()).isEqualTo(400);
    }

    @Test
    void aRoomNameOf64CharactersIsAccepted() {
        var ann = user("ann");
        String room = "r".repeat(64);

        send(ann, codec.encode(new ClientEvent.Join(room, null)));

        assertThat(peer(ann).last(Joined.class).room()).isEqualTo(room);
    }

    @Test
    void aUserMayBeInSeveralRooms() {
        var ann = user("ann");

        send(ann, "{\"type\":\"join\",\"room\":\"one\"}");
        send(ann, "{\"type\":\"join\",\"room\":\"two\"}");

        assertThat(chat.rooms().toCompletableFuture().join()).extracting(ServerEvent.RoomInfo::name).containsExactly("one", "two");
    }

    @Test
    void leavingTellsTheLeaverAndTheOthers() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");
        clearAll(ann, bob);

        send(bob, "{\"type\":\"leave\",\"room\":\"lobby\",\"ref\":\"3\"}");

        assertThat(peer(bob).received()).containsExactly(new ServerEvent.Left("lobby"), new ServerEvent.Ok("3", null));
        assertThat(peer(ann).received()).containsExactly(new Presence("lobby", "bob", "leave"));
    }

    @Test
    void leavingARoomYouAreNotInIs403AndAnUnknownRoomIs404() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        send(bob, "{\"type\":\"leave\",\"room\":\"lobby\"}");
        assertThat(lastError(bob).code()).isEqualTo(403);
        assertThat(lastError(bob).reason()).isEqualTo("NOT_IN_ROOM");

        send(bob, "{\"type\":\"leave\",\"room\":\"nowhere\"}");
        assertThat(lastError(bob).code()).isEqualTo(404);
        assertThat(lastError(bob).reason()).isEqualTo("NO_SUCH_ROOM");
    }

    @Test
    void anEmptiedRoomDisappearsFromTheRoomList() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(ann, "{\"type\":\"join\",\"room\":\"attic\"}");

        send(ann, "{\"type\":\"leave\",\"room\":\"attic\"}");
        send(ann, "{\"type\":\"rooms\",\"ref\":\"6\"}");

        assertThat(peer(ann).last(ServerEvent.RoomList.class))
                .isEqualTo(new ServerEvent.RoomList(List.of(new ServerEvent.RoomInfo("lobby", 1))));
        assertThat(peer(ann).last(ServerEvent.Ok.class)).isEqualTo(new ServerEvent.Ok("6", null));
    }

    @Test
    void theRoomListIsSortedByNameWithMemberCounts() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"zoo\"}");
        send(ann, "{\"type\":\"join\",\"room\":\"Attic\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"zoo\"}");

        send(bob, "{\"type\":\"rooms\"}");

        assertThat(peer(bob).last(ServerEvent.RoomList.class).rooms())
                .containsExactly(new ServerEvent.RoomInfo("Attic", 1), new ServerEvent.RoomInfo("zoo", 2));
    }

    // --- messages

    @Test
    void aRoomMessageReachesEveryMemberTheSenderIncludedAndNobodyElse() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");
        clearAll(ann, bob, carol);

        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"ref\":\"4\"}");

        var message = new Message("1", "lobby", "ann", "hi", NOW);
        assertThat(peer(ann).received()).containsExactly(message, new ServerEvent.Ok("4", "1"));
        assertThat(peer(bob).received()).containsExactly(message);
        assertThat(peer(carol).received()).isEmpty();
    }

    @Test
    void theServerDecidesSenderIdAndTimeWhateverTheClientClaims() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        send(ann, "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"from\":\"bob\",\"id\":\"999\",\"ts\":1}");

        assertThat(peer(ann).last(Message.class)).isEqualTo(new Message("1", "lobby", "ann", "hi", NOW));
    }

    @Test
    void messageIdsCountUpByOneWithinARoom() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(ann, "{\"type\":\"join\",\"room\":\"attic\"}");

        say(ann, "lobby", "a");
        say(ann, "attic", "b");
        say(ann, "lobby", "c");

        assertThat(peer(ann).received(Message.class)).extracting(Message::room, Message::id).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lobby", "1"), org.assertj.core.groups.Tuple.tuple("attic", "1"),
                org.assertj.core.groups.Tuple.tuple("lobby", "2"));
    }

    @Test
    void sayingToARoomYouAreNotInIs403AndToNoRoomIs404() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        say(bob, "lobby", "hi");
        assertThat(lastError(bob).reason()).isEqualTo("NOT_IN_ROOM");

        say(bob, "nowhere", "hi");
        assertThat(lastError(bob).reason()).isEqualTo("NO_SUCH_ROOM");
        assertThat(peer(ann).received(Message.class)).isEmpty();
    }

    @Test
    void textOf2000CharactersIsAcceptedAnd2001IsTooLong() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        say(ann, "lobby", "x".repeat(2000));
        say(ann, "lobby", "x".repeat(2001));

        assertThat(peer(ann).received(Message.class)).hasSize(1);
        assertThat(lastError(ann).code()).isEqualTo(413);
        assertThat(lastError(ann).reason()).isEqualTo("TEXT_TOO_LONG");
    }

    @Test
    void textLengthCountsCharactersNotUtf16Units() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        say(ann, "lobby", "\uD83D\uDE00".repeat(2000));

        assertThat(peer(ann).received(Message.class)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t ", "nul\u0000", "bell\u0007", "lone\uD800surrogate", "\uDC00", "\u00A0",
            "\u2000\u200A", "\u3000", "\u200B"})
    void emptyBlankOrBrokenTextIsRefused(String text) {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        send(ann, codec.encode(new ClientEvent.Say("lobby", text, null)));

        assertThat(lastError(ann).code()).isEqualTo(400);
        assertThat(lastError(ann).reason()).isEqualTo("INVALID_TEXT");
        assertThat(peer(ann).received(Message.class)).isEmpty();
    }

    @Test
    void multiLineTextIsAccepted() {
        var ann = user("ann");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");

        say(ann, "lobby", "line one\r\nline two\ttabbed");

        assertThat(peer(ann).last(Message.class).text()).isEqualTo("line one\r\nline two\ttabbed");
    }

    // --- whispers

    @Test
    void aWhisperReachesTheRecipientAndEchoesToTheSenderOnly() {
        var ann = user("ann");
        var bob = user("bob");
        var carol = user("carol");
        clearAll(ann, bob, carol);

        send(ann, "{\"type\":\"whisper\",\"to\":\"BOB\",\"text\":\"psst\",\"ref\":\"5\"}");

        String id = peer(ann).last(ServerEvent.Ok.class).id();
        var whisper = new WhisperMessage(id, "ann", "bob", "psst", NOW);
        assertThat(id).startsWith("w");
        assertThat(peer(bob).received()).containsExactly(whisper);
        assertThat(peer(ann).received()).containsExactly(whisper, new ServerEvent.Ok("5", id));
        assertThat(peer(carol).received()).isEmpty();
    }

    @Test
    void aWhisperToNobodyIs404() {
        var ann = user("ann");

        send(ann, "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"5\"}");

        assertThat(lastError(ann)).isEqualTo(ServerEvent.Error.of("5", ErrorReason.NO_SUCH_USER, "no user named bob"));
    }

    @Test
    void aWhisperObeysTheTextRules() {
        var ann = user("ann");
        user("bob");

        send(ann, codec.encode(new ClientEvent.Whisper("bob", "x".repeat(2001), null)));

        assertThat(lastError(ann).reason()).isEqualTo("TEXT_TOO_LONG");
    }

    // --- bad requests

    @Test
    void badRequestsAreAnsweredWithoutRefAndTheConnectionGoesOn() {
        var ann = user("ann");

        send(ann, "this is not json");
        assertThat(lastError(ann)).extracting(ServerEvent.Error::code, ServerEvent.Error::reason, ServerEvent.Error::ref)
                .containsExactly(400, "BAD_JSON", null);

        send(ann, "{\"type\":\"dance\",\"ref\":\"d\"}");
        assertThat(lastError(ann)).extracting(ServerEvent.Error::reason, ServerEvent.Error::ref)
                .containsExactly("UNKNOWN_TYPE", "d");

        send(ann, "{\"type\":\"join\",\"room\":7}");
        assertThat(lastError(ann).reason()).isEqualTo("BAD_FIELD");

        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertThat(peer(ann).last(Joined.class).room()).isEqualTo("lobby");
    }

    @Test
    void everyClientEventTypeHasAHandler() {
        assertThat(List.<Class<?>>copyOf(router.routedTypes())).containsExactlyInAnyOrder(ClientEvent.class.getPermittedSubclasses());
    }

    @Test
    void aFailingHandlerClosesOnlyItsConnectionWith1011() {
        var failing = new EventRouter(codec, parley.server.metrics.Metrics.off()).on(ClientEvent.Rooms.class, (user, rooms) -> {
            throw new IllegalStateException("boom");
        });
        var ann = user("ann");

        failing.route(ann, "{\"type\":\"rooms\"}");

        assertThat(peer(ann).closeCode()).isEqualTo(1011);
    }

    // --- disconnecting

    @Test
    void aDisconnectedUserLeavesEveryRoomAndFreesTheNick() {
        var ann = user("ann");
        var bob = user("bob");
        send(ann, "{\"type\":\"join\",\"room\":\"lobby\"}");
        send(ann, "{\"type\":\"join\",\"room\":\"attic\"}");
        send(bob, "{\"type\":\"join\",\"room\":\"lobby\"}");
        clearAll(bob);

        chat.disconnect(ann, ann.peer());

        assertThat(peer(bob).received()).containsExactly(new Presence("lobby", "ann", "leave"),
                new ServerEvent.RoleChanged("lobby", "bob", "op", null));
        assertThat(chat.rooms().toCompletableFuture().join()).containsExactly(new ServerEvent.RoomInfo("lobby", 1));
        var newcomer = user("ann");
        assertThat(newcomer.nick()).isEqualTo("ann");
    }

    // --- helpers

    private ChatUser user(String nick) {
        ChatUser user = chat.connect(new RecordingPeer(nick));
        send(user, codec.encode(new ClientEvent.Nick(nick, null)));
        assertThat(user.nick()).isEqualTo(nick);
        peer(user).clear();
        return user;
    }

    private void send(ChatUser user, String frame) {
        router.route(user, frame);
    }

    private void say(ChatUser user, String room, String text) {
        send(user, codec.encode(new ClientEvent.Say(room, text, null)));
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
