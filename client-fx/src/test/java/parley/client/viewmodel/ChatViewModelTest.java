package parley.client.viewmodel;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.TestCertificates;
import parley.client.connection.CertificateProblem;
import parley.client.connection.ConnectionState;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.protocol.ClientEvent;
import parley.client.chat.LogLine;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Presence;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The view model's rules, without a window: a fake connection plays the server. */
class ChatViewModelTest {
    private static final long NOW = 1_732_400_000_000L;

    private final FakeChatConnection connection = new FakeChatConnection();
    private final InMemorySettings settings = new InMemorySettings();
    private final FakeScheduler scheduler = new FakeScheduler();
    private final MemoryPins pins = new MemoryPins();
    private final ServerTrust trust = new ServerTrust(pins, List.of(), null);
    private ChatViewModel model;

    @BeforeEach
    void createModel() {
        model = new ChatViewModel(connection, Runnable::run, settings, trust,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), "lobby", scheduler, new Backoff(() -> 1.0));
    }

    @Test
    void startsDisconnectedWithDefaultsAndCanConnect() {
        assertThat(model.session().hostProperty().get()).isEqualTo("localhost");
        assertThat(model.session().portProperty().get()).isEqualTo("8025");
        assertThat(model.session().stateProperty().get()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(model.session().canConnectProperty().get()).isTrue();
        assertThat(model.input().canSendProperty().get()).isFalse();
    }

    @Test
    void anInvalidPortOrEmptyHostCannotConnect() {
        model.session().portProperty().set("80x");
        assertThat(model.session().canConnectProperty().get()).isFalse();

        model.session().portProperty().set("70000");
        assertThat(model.session().canConnectProperty().get()).isFalse();

        model.session().portProperty().set("8025");
        model.session().hostProperty().set("  ");
        assertThat(model.session().canConnectProperty().get()).isFalse();
    }

    @Test
    void connectingShowsItsStateAndRemembersTheSettings() {
        model.session().hostProperty().set("chat.example");
        model.session().portProperty().set("9000");
        model.nicknameProperty().set("alice");

        model.connect();

        assertThat(connection.connectedTo()).isEqualTo("chat.example:9000");
        assertThat(model.session().statusProperty().get()).isEqualTo("Connecting to chat.example:9000…");
        assertThat(settings.saved).isEqualTo(new Settings("chat.example", 9000, "alice"));
        assertThat(model.session().canConnectProperty().get()).isFalse();
    }

    @Test
    void rememberedSettingsFillTheFieldsOfTheNextLaunch() {
        settings.saved = new Settings("example.org", 9999, "zoe");

        var next = new ChatViewModel(new FakeChatConnection(), Runnable::run, settings, trust, Clock.systemUTC(), "lobby",
                new FakeScheduler(), new Backoff(() -> 1.0));

        assertThat(next.session().hostProperty().get()).isEqualTo("example.org");
        assertThat(next.session().portProperty().get()).isEqualTo("9999");
        assertThat(next.nicknameProperty().get()).isEqualTo("zoe");
    }

    @Test
    void afterWelcomeTheTypedNickIsClaimedAndLobbyJoined() {
        model.nicknameProperty().set("alice");
        connectAndWelcome("guest-3");

        assertThat(connection.sent()).containsExactly(new ClientEvent.Nick("alice", "nick"),
                new ClientEvent.Join("lobby", "j1"));
    }

    @Test
    void withAnEmptyNickFieldTheGuestNickIsShownInIt() {
        connectAndWelcome("guest-3");

        assertThat(model.nicknameProperty().get()).isEqualTo("guest-3");
        assertThat(connection.sent()).noneMatch(ClientEvent.Nick.class::isInstance);
        assertThat(model.session().statusProperty().get()).isEqualTo("Connected as guest-3");
    }

    @Test
    void aRefusedNickShowsTheServersReasonAndKeepsTheOldName() {
        model.nicknameProperty().set("bob");
        connectAndWelcome("guest-3");

        connection.serverSends(ServerEvent.Error.of("nick", parley.protocol.ErrorReason.NICK_TAKEN, "the nickname bob is taken"));

        assertThat(model.nickErrorProperty().get()).isEqualTo("the nickname bob is taken");
        assertThat(model.nicknameProperty().get()).isEqualTo("guest-3");
        assertThat(model.myNickProperty().get()).isEqualTo("guest-3");
    }

    @Test
    void renamingWhileConnectedSendsTheNickAndFollowsTheServer() {
        connectAndWelcome("guest-3");
        model.nicknameProperty().set("carol");

        model.rename();
        connection.serverSends(new ServerEvent.NickChanged("guest-3", "carol"));

        assertThat(connection.lastSent(ClientEvent.Nick.class).nick()).isEqualTo("carol");
        assertThat(model.myNickProperty().get()).isEqualTo("carol");
        assertThat(model.session().statusProperty().get()).isEqualTo("Connected as carol");
        assertThat(model.nickErrorProperty().get()).isEmpty();
    }

    @Test
    void joiningShowsHistoryAndOpensTheRoom() {
        connectAndWelcome("ann");

        connection.serverSends(new Joined("lobby", List.of("ann", "bob"),
                List.of(new Message("1", "lobby", "bob", "earlier", NOW - 1000)), 0));

        assertThat(model.joinedRooms()).containsExactly("lobby");
        assertThat(model.currentRoomProperty().get()).isEqualTo("lobby");
        assertThat(lines()).containsExactly(LogLine.of(LogLine.Kind.MESSAGE, NOW - 1000, "bob", "earlier"),
                LogLine.system(NOW, "You joined lobby"));
    }

    @Test
    void joiningOrLeavingARoomRefreshesTheServersRoomList() {
        connectAndWelcome("ann");
        connection.clear();

        join("lobby", "ann");
        connection.serverSends(new ServerEvent.RoomList(List.of(new ServerEvent.RoomInfo("lobby", 1))));

        assertThat(connection.sent()).containsExactly(new ClientEvent.Rooms(null));
        assertThat(model.serverRooms()).containsExactly(new ServerEvent.RoomInfo("lobby", 1));
    }

    @Test
    void presenceKeepsTheListedCountOfOurRoomsCurrent() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        connection.serverSends(new ServerEvent.RoomList(List.of(new ServerEvent.RoomInfo("attic", 4),
                new ServerEvent.RoomInfo("lobby", 1))));

        connection.serverSends(new Presence("lobby", "bob", "join"), new Presence("lobby", "cy", "join"));

        assertThat(model.serverRooms()).containsExactly(new ServerEvent.RoomInfo("attic", 4), new ServerEvent.RoomInfo("lobby", 3));
    }

    @Test
    void eachRoomKeepsItsOwnLogAndSwitchingShowsIt() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        join("attic", "ann");
        connection.serverSends(new Message("1", "lobby", "bob", "in lobby", NOW),
                new Message("1", "attic", "bob", "in attic", NOW));

        model.currentRoomProperty().set("lobby");

        assertThat(texts()).contains("in lobby").doesNotContain("in attic");
        model.currentRoomProperty().set("attic");
        assertThat(texts()).contains("in attic").doesNotContain("in lobby");
    }

    @Test
    void rejoiningDoesNotRepeatHistoryAlreadyShown() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        connection.serverSends(new Message("1", "lobby", "bob", "once", NOW));

        connection.serverSends(new Joined("lobby", List.of("ann", "bob"), List.of(new Message("1", "lobby", "bob", "once", NOW)), 0));

        assertThat(texts()).containsOnlyOnce("once");
    }

    @Test
    void leavingARoomClosesItAndOpensAnother() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        join("attic", "ann");

        model.leaveCurrentRoom();
        connection.serverSends(new ServerEvent.Left("attic"));

        assertThat(connection.lastSent(ClientEvent.Leave.class).room()).isEqualTo("attic");
        assertThat(model.joinedRooms()).containsExactly("lobby");
        assertThat(model.currentRoomProperty().get()).isEqualTo("lobby");
    }

    @Test
    void theRecipientListIsEveryoneThenTheOtherMembersSorted() {
        connectAndWelcome("ann");

        join("lobby", "ann", "zed", "Bob");

        assertThat(model.recipients()).containsExactly(Recipient.EVERYONE, Recipient.person("Bob"), Recipient.person("zed"));
    }

    @Test
    void theRecipientListFollowsJoinsLeavesAndRenames() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");

        connection.serverSends(new Presence("lobby", "carl", "join"));
        assertThat(model.recipients()).contains(Recipient.person("carl"));

        connection.serverSends(new ServerEvent.NickChanged("carl", "carlos"));
        assertThat(model.recipients()).contains(Recipient.person("carlos")).doesNotContain(Recipient.person("carl"));

        connection.serverSends(new Presence("lobby", "bob", "leave"));
        assertThat(model.recipients()).containsExactly(Recipient.EVERYONE, Recipient.person("carlos"));
        assertThat(texts()).contains("carl is now carlos", "bob left");
    }

    @Test
    void choosingAPersonMakesTheNextMessageAWhisper() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.recipientProperty().set(Recipient.person("bob"));
        model.input().draftProperty().set("psst");

        model.input().send();

        assertThat(connection.lastSent(ClientEvent.Whisper.class)).isEqualTo(new ClientEvent.Whisper("bob", "psst", "m2"));
        assertThat(model.input().draftProperty().get()).isEmpty();
    }

    @Test
    void withEveryoneChosenTheMessageGoesToTheOpenRoom() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.input().draftProperty().set("hello");

        model.input().send();

        assertThat(connection.lastSent(ClientEvent.Say.class)).isEqualTo(new ClientEvent.Say("lobby", "hello", "m2"));
    }

    @Test
    void whenTheChosenPersonLeavesTheDropdownFallsBackToEveryoneAndSaysSo() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.recipientProperty().set(Recipient.person("bob"));

        connection.serverSends(new Presence("lobby", "bob", "leave"));

        assertThat(model.recipientProperty().get()).isEqualTo(Recipient.EVERYONE);
        assertThat(texts()).contains("bob left: messages go to everyone in lobby again");
    }

    @Test
    void whenTheChosenPersonIsRenamedTheChoiceFollows() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.recipientProperty().set(Recipient.person("bob"));

        connection.serverSends(new ServerEvent.NickChanged("bob", "robert"));

        assertThat(model.recipientProperty().get()).isEqualTo(Recipient.person("robert"));
    }

    @Test
    void aWhisperLivesInThePrivateConversationWithTheOtherPersonAndDoesNotSwitchToIt() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");

        connection.serverSends(new ServerEvent.WhisperMessage("w1", "bob", "ann", "hi ann", NOW),
                new ServerEvent.WhisperMessage("w2", "ann", "bob", "hi bob", NOW));

        assertThat(model.currentRoomProperty().get()).isEqualTo("lobby");
        assertThat(texts()).doesNotContain("hi ann", "hi bob");
        var bob = conversation("bob");
        assertThat(bob.isRoom()).isFalse();
        assertThat(bob.lines()).containsExactly(
                LogLine.of(LogLine.Kind.WHISPER, NOW, "bob", "hi ann").asMention(),
                LogLine.of(LogLine.Kind.WHISPER, NOW, "ann", "hi bob"));
        assertThat(model.conversations()).extracting(ConversationViewModel::name).containsExactly("lobby", "bob");
    }

    @Test
    void aRefusedMessageReturnsToTheInputAndTheReasonIsLogged() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.recipientProperty().set(Recipient.person("bob"));
        model.input().draftProperty().set("are you there?");
        model.input().send();

        connection.serverSends(ServerEvent.Error.of("m2", parley.protocol.ErrorReason.NO_SUCH_USER, "no user named bob"));

        assertThat(model.input().draftProperty().get()).isEqualTo("are you there?");
        assertThat(lines().get(lines().size() - 1)).isEqualTo(LogLine.of(LogLine.Kind.ERROR, NOW, null, "no user named bob"));
    }

    @Test
    void aConfirmedMessageDoesNotComeBack() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        model.input().draftProperty().set("hello");
        model.input().send();
        connection.serverSends(new ServerEvent.Ok("m2", "1"));

        connection.serverSends(ServerEvent.Error.of("m2", parley.protocol.ErrorReason.BAD_FIELD, "late"));

        assertThat(model.input().draftProperty().get()).isEmpty();
    }

    @Test
    void blankDraftsAndMessagesWithoutARoomCannotBeSent() {
        connectAndWelcome("ann");
        model.input().draftProperty().set("no room yet");
        assertThat(model.input().canSendProperty().get()).isFalse();

        join("lobby", "ann");
        model.input().draftProperty().set("   ");
        assertThat(model.input().canSendProperty().get()).isFalse();

        model.input().draftProperty().set("now");
        assertThat(model.input().canSendProperty().get()).isTrue();
    }

    @Test
    void aFailedConnectionSaysWhyAndCanBeRetried() {
        model.connect();

        connection.fail("no Parley server at localhost:8025 (connection refused)");

        assertThat(model.session().statusProperty().get()).isEqualTo("Failed: no Parley server at localhost:8025 (connection refused)");
        assertThat(texts()).anyMatch(text -> text.contains("connection refused"));
        assertThat(model.session().canConnectProperty().get()).isTrue();
    }

    @Test
    void theLogKeepsItsLimitDroppingTheOldestAThousandAtATime() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        int limit = ChatViewModel.MAX_LOG_LINES;
        int batch = ConversationViewModel.TRIM_BATCH;

        // "You joined lobby" and the messages fill the log to its limit and the slack above it.
        IntStream.rangeClosed(1, limit + batch - 1).forEach(
                i -> connection.serverSends(new Message(String.valueOf(i), "lobby", "bob", "m" + i, NOW)));
        assertThat(lines()).hasSize(limit + batch);
        connection.serverSends(new Message(String.valueOf(limit + batch), "lobby", "bob", "one more", NOW));

        assertThat(lines()).hasSize(limit);
        assertThat(lines().get(0).text()).isEqualTo("m" + (batch + 1));
        assertThat(lines().get(lines().size() - 1).text()).isEqualTo("one more");
    }

    // --- reconnecting

    @Test
    void aLostConnectionKeepsRoomsAndDraftAndReconnectsWithTheResumeToken() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        model.input().draftProperty().set("half typed");

        connection.fail("connection lost: reset");

        assertThat(model.session().reconnectingProperty().get()).isTrue();
        assertThat(model.session().statusProperty().get()).isEqualTo("Reconnecting in 0.5 s (attempt 1)");
        assertThat(model.joinedRooms()).containsExactly("lobby");
        assertThat(model.input().draftProperty().get()).isEqualTo("half typed");
        assertThat(texts()).contains("Connection lost: connection lost: reset");
        scheduler.runDue();
        assertThat(connection.resumeTokens()).containsExactly(null, "token-1");
    }

    @Test
    void aRestartingServerIsLeftForAnotherAtOnceWithinTwoSecondsResuming() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");

        connection.restart("the server closed the connection (1012: service restart: reconnect now)");

        assertThat(model.session().reconnectingProperty().get()).isTrue();
        assertThat(scheduler.waiting()).singleElement().satisfies(delay ->
                assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(model.session().statusProperty().get()).startsWith("The server restarts: reconnecting in");
        assertThat(model.joinedRooms()).containsExactly("lobby");
        scheduler.runDue();
        assertThat(connection.resumeTokens()).containsExactly(null, "token-1");
        connection.fail("connection refused");
        assertThat(model.session().statusProperty().get()).as("while the server is not back, no backoff")
                .startsWith("The server restarts: not back yet, trying again in");
        assertThat(scheduler.waiting()).singleElement().satisfies(delay ->
                assertThat(delay).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1)));
        assertThat(texts()).as("one note for the whole restart").containsOnlyOnce(
                "Connection lost: the server closed the connection (1012: service restart: reconnect now)");
        for (int attempt = 2; attempt <= Backoff.RESTART_TRIES; attempt++) {
            scheduler.runDue();
            connection.fail("connection refused");
        }
        assertThat(scheduler.waiting()).singleElement().satisfies(delay ->
                assertThat(delay).isLessThanOrEqualTo(Duration.ofSeconds(1)));
        scheduler.runDue();
        connection.fail("connection refused");
        assertThat(model.session().statusProperty().get()).as("after about half a minute, the usual backoff")
                .startsWith("Reconnecting in").endsWith("(attempt " + (Backoff.RESTART_TRIES + 1) + ")");
        assertThat(scheduler.waiting()).singleElement().satisfies(delay ->
                assertThat(delay).isGreaterThan(Duration.ofSeconds(1)));
    }

    @Test
    void aResumedSessionRejoinsItsRoomsSinceTheLastMessageSeen() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        connection.serverSends(new Message("41", "lobby", "bob", "last seen", NOW));
        connection.fail("connection lost");
        scheduler.runDue();
        connection.open();
        connection.clear();

        connection.serverSends(ServerEvent.Welcome.resumed("ann", "token-2", List.of("lobby"), null));
        connection.serverSends(new Joined("lobby", List.of("ann", "bob"),
                List.of(new Message("42", "lobby", "bob", "while away", NOW)), 0));

        assertThat(connection.sent()).first().isEqualTo(new ClientEvent.Join("lobby", "41", "j2"));
        assertThat(texts()).containsSubsequence("last seen", "Reconnected: your session resumed", "while away");
        assertThat(model.session().reconnectingProperty().get()).isFalse();
        assertThat(model.session().statusProperty().get()).isEqualTo("Connected as ann");
    }

    @Test
    void whispersSentAgainAfterAResumeAreShownOnce() {
        connectAndWelcome("ann");
        join("lobby", "ann", "bob");
        var whisper = new ServerEvent.WhisperMessage("w7", "bob", "ann", "once only", NOW);
        connection.serverSends(whisper);

        connection.fail("lost");
        scheduler.runDue();
        connection.open();
        connection.serverSends(ServerEvent.Welcome.resumed("ann", "token-2", List.of("lobby"), null), whisper);

        assertThat(conversation("bob").lines()).extracting(LogLine::text).containsOnlyOnce("once only");
    }

    @Test
    void missedMessagesShowAsAMarkerInTheLog() {
        connectAndWelcome("ann");

        connection.serverSends(new Joined("lobby", List.of("ann"), List.of(new Message("80", "lobby", "bob", "kept", NOW)), 37));

        assertThat(texts()).containsSubsequence("37 messages missed", "kept");
    }

    @Test
    void anUntrustedCertificateStopsTheClientUntilTheUserTrustsIt() {
        model.session().secureProperty().set(true);
        model.session().hostProperty().set("chat.example");
        model.connect();
        var problem = new CertificateProblem("chat.example", 8025, "AB:CD", null, "the certificate is self-signed");

        connection.failOnCertificate(problem);
        scheduler.runDue();

        assertThat(model.session().certificateProblemProperty().get()).isEqualTo(problem);
        assertThat(model.session().reconnectingProperty().get()).isFalse();
        assertThat(model.session().statusProperty().get()).contains("not trusted");
        assertThat(connection.resumeTokens()).hasSize(1);

        model.trustCertificate();

        assertThat(pins.pinned("chat.example:8025")).isEqualTo("AB:CD");
        assertThat(model.session().certificateProblemProperty().get()).isNull();
        assertThat(connection.resumeTokens()).hasSize(2);
        assertThat(connection.connectedTo()).isEqualTo("wss://chat.example:8025");
    }

    @Test
    void aChangedCertificateIsNotTrustedUnlessTheUserSaysSo() {
        model.session().secureProperty().set(true);
        model.connect();
        var changed = new CertificateProblem("localhost", 8025, "NE:WW", "OL:DD", "the certificate is self-signed");

        connection.failOnCertificate(changed);
        model.session().distrustCertificate();

        assertThat(changed.changed()).isTrue();
        assertThat(pins.pinned("localhost:8025")).isNull();
        assertThat(model.session().certificateProblemProperty().get()).isNull();
        assertThat(model.session().statusProperty().get()).contains("not trusted");
        assertThat(connection.resumeTokens()).hasSize(1);
    }

    @Test
    void aClientCertificateIsTakenFromAPkcs12FileAndABadOneIsReported(@TempDir Path folder) throws Exception {
        var ca = TestCertificates.ca("Test CA");
        Path p12 = TestCertificates.writePkcs12(folder.resolve("alice.p12"), TestCertificates.client(ca, "alice"),
                "pw".toCharArray());

        model.session().useClientCertificate(p12, "wrong".toCharArray());
        assertThat(model.session().clientCertificateProperty().get()).isEmpty();
        assertThat(texts()).anyMatch(text -> text.startsWith("Cannot use alice.p12 as a client certificate"));

        model.session().useClientCertificate(p12, "pw".toCharArray());
        assertThat(model.session().clientCertificateProperty().get()).isEqualTo("CN=alice");
        assertThat(trust.clientCertificateName()).isEqualTo("CN=alice");
    }

    @Test
    void aWssUrlAsTheHostTurnsOnTlsWithItsPort() {
        model.session().hostProperty().set("wss://chat.example.org:9443");

        model.connect();

        assertThat(model.session().secureProperty().get()).isTrue();
        assertThat(model.session().hostProperty().get()).isEqualTo("chat.example.org");
        assertThat(model.session().portProperty().get()).isEqualTo("9443");
        assertThat(connection.connectedTo()).isEqualTo("wss://chat.example.org:9443");
    }

    @Test
    void theServersPasswordIsAskedForOnceAndGivenAgainWhenReconnecting() {
        model.connect();
        connection.open();
        connection.serverSends(new ServerEvent.AuthRequired());
        assertThat(model.session().passwordRequestedProperty().get()).isTrue();
        assertThat(connection.sent()).isEmpty();

        model.session().passwordProperty().set("open sesame");
        model.session().submitPassword();
        assertThat(connection.lastSent(ClientEvent.Auth.class).password()).isEqualTo("open sesame");
        assertThat(model.session().passwordRequestedProperty().get()).isFalse();
        assertThat(model.session().passwordProperty().get()).isEmpty();
        connection.serverSends(ServerEvent.Welcome.fresh("guest-1", "token-1", null));

        connection.fail("the network went away");
        scheduler.runDue();
        connection.open();
        connection.clear();
        connection.serverSends(new ServerEvent.AuthRequired());

        assertThat(connection.sent()).containsExactly(new ClientEvent.Auth("open sesame", null));
        assertThat(model.session().passwordRequestedProperty().get()).isFalse();
    }

    @Test
    void aPasswordIsNeverSentToAnotherServer() {
        connectGivingPassword("open sesame");
        connection.serverSends(ServerEvent.Welcome.fresh("guest-1", "token-1", null));
        model.disconnect();

        model.session().hostProperty().set("elsewhere.example");
        model.connect();
        connection.open();
        connection.clear();
        connection.serverSends(new ServerEvent.AuthRequired());

        assertThat(connection.sent()).isEmpty();
        assertThat(model.session().passwordRequestedProperty().get()).isTrue();
    }

    @Test
    void aWrongPasswordIsForgottenAndAskedForAgainNextTime() {
        connectGivingPassword("guess");
        connection.refuse("the server closed the connection (4501: wrong password)");
        assertThat(model.session().statusProperty().get()).contains("wrong password");

        model.connect();
        connection.open();
        connection.clear();
        connection.serverSends(new ServerEvent.AuthRequired());

        assertThat(connection.sent()).isEmpty();
        assertThat(model.session().passwordRequestedProperty().get()).isTrue();
    }

    @Test
    void messagesThatCannotArriveShowAsAMarkerInTheirRoomsLog() {
        connectAndWelcome("ann");
        join("lobby", "ann");

        connection.serverSends(new ServerEvent.Missed("lobby", 2));
        connection.serverSends(new ServerEvent.Missed("elsewhere", 5));

        assertThat(texts()).contains("2 messages missed").doesNotContain("5 messages missed");
    }

    @Test
    void aNewSessionAfterReconnectingClaimsTheNickAndRejoinsAndSaysSo() {
        model.nicknameProperty().set("ann");
        connectAndWelcome("ann");
        join("lobby", "ann");
        join("attic", "ann");
        connection.fail("the server closed the connection (1001: server shutting down)");
        scheduler.runDue();
        connection.open();
        connection.clear();

        connection.serverSends(ServerEvent.Welcome.fresh("guest-1", "token-9", null));

        assertThat(connection.sent()).containsExactly(new ClientEvent.Nick("ann", "nick"),
                new ClientEvent.Join("lobby", "j2"), new ClientEvent.Join("attic", "j3"));
        assertThat(texts()).anyMatch(text -> text.startsWith("Reconnected as a new session"));
    }

    @Test
    void failedAttemptsBackOffUpToThirtySeconds() {
        connectAndWelcome("ann");
        List<String> statuses = new java.util.ArrayList<>();

        for (int attempt = 1; attempt <= 9; attempt++) {
            connection.fail("refused");
            statuses.add(model.session().statusProperty().get());
            scheduler.runDue();
        }

        assertThat(statuses).containsExactly("Reconnecting in 0.5 s (attempt 1)", "Reconnecting in 1.0 s (attempt 2)",
                "Reconnecting in 2.0 s (attempt 3)", "Reconnecting in 4.0 s (attempt 4)", "Reconnecting in 8.0 s (attempt 5)",
                "Reconnecting in 16.0 s (attempt 6)", "Reconnecting in 30.0 s (attempt 7)",
                "Reconnecting in 30.0 s (attempt 8)", "Reconnecting in 30.0 s (attempt 9)");
    }

    @Test
    void reconnectNowSkipsTheWait() {
        connectAndWelcome("ann");
        connection.fail("lost");

        model.session().reconnectNow();

        assertThat(connection.resumeTokens()).containsExactly(null, "token-1");
        assertThat(scheduler.waiting()).isEmpty();
    }

    @Test
    void aDoNotReconnectCloseEndsTheSessionForGood() {
        connectAndWelcome("ann");
        join("lobby", "ann");

        connection.refuse("the server closed the connection (4500: too many refused requests)");

        assertThat(model.session().reconnectingProperty().get()).isFalse();
        assertThat(scheduler.waiting()).isEmpty();
        assertThat(model.session().statusProperty().get()).startsWith("Offline:").endsWith("not reconnecting");
        assertThat(model.joinedRooms()).isEmpty();
    }

    @Test
    void disconnectingWhileWaitingStopsReconnecting() {
        connectAndWelcome("ann");
        connection.fail("lost");

        model.disconnect();
        scheduler.runDue();

        assertThat(connection.resumeTokens()).containsExactly((String) null);
        assertThat(model.session().statusProperty().get()).isEqualTo("Disconnected");
    }

    @Test
    void aMessageUnconfirmedWhenTheConnectionDroppedReturnsToTheInput() {
        connectAndWelcome("ann");
        join("lobby", "ann");
        model.input().draftProperty().set("did this arrive?");
        model.input().send();

        connection.fail("lost");

        assertThat(model.input().draftProperty().get()).isEqualTo("did this arrive?");
    }

    @Test
    void twoHundredMembersAreListed() {
        connectAndWelcome("ann");
        String[] members = IntStream.range(0, 200).mapToObj(i -> "member" + i).toArray(String[]::new);

        join("lobby", members);

        assertThat(model.recipients()).hasSize(201);
    }

    private void connectAndWelcome(String nick) {
        model.connect();
        connection.open();
        connection.serverSends(ServerEvent.Welcome.fresh(nick, "token-1", null));
    }

    private void join(String room, String... members) {
        connection.serverSends(new Joined(room, List.of(members), List.of(), 0));
    }

    /** Connects to a server that asks for its password, and gives this one. */
    private void connectGivingPassword(String password) {
        model.connect();
        connection.open();
        connection.serverSends(new ServerEvent.AuthRequired());
        model.session().passwordProperty().set(password);
        model.session().submitPassword();
    }

    private ConversationViewModel conversation(String name) {
        return model.conversations().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private List<LogLine> lines() {
        return model.logProperty().get();
    }

    private List<String> texts() {
        return lines().stream().map(LogLine::text).toList();
    }

    /** Settings kept in a field. */
    private static final class InMemorySettings implements Settings.Store {
        Settings saved = Settings.defaults();

        @Override
        public Settings load() {
            return saved;
        }

        @Override
        public void save(Settings settings) {
            saved = settings;
        }
    }
}
