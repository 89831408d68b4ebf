package parley.client.viewmodel;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.chat.LogLine;
import parley.client.chat.NotificationPolicy;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.protocol.ServerEvent.Message;
import parley.protocol.ServerEvent.Presence;
import parley.protocol.ServerEvent.WhisperMessage;
import parley.server.chat.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Conversations: where lines go, what counts as unread and as a mention, the marker, and what notifies. */
class ConversationRulesTest {
    private static final long NOW = 1_732_400_000_000L;
    private final FakeChatConnection connection = new FakeChatConnection();
    private final FakeScheduler scheduler = new FakeScheduler();
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(NOW));
    private final List<String> notifications = new ArrayList<>();
    private ChatViewModel model;
    private int nextId = 1;

    @BeforeEach
    void connectAsAnnInLobbyAndAttic() {
        model = new ChatViewModel(connection, Runnable::run, new Settings.Store() {
            @Override
            public Settings load() {
                return Settings.defaults();
            }

            @Override
            public void save(Settings settings) {
            }
        }, new ServerTrust(new MemoryPins(), List.of(), null), clock, null, scheduler, new Backoff(() -> 1.0));
        model.setNotifier((summary, body) -> notifications.add(summary + " | " + body));
        model.connect();
        connection.open();
        connection.serverSends(ServerEvent.Welcome.fresh("ann", "token-1", null));
        connection.serverSends(new Joined("lobby", List.of("ann", "bob", "carol"), List.of(), 0));
        connection.serverSends(new Joined("attic", List.of("ann", "bob"), List.of(), 0));
    }

    @Test
    void linesInAConversationThatIsNotOpenAreUnreadAndOpeningItMarksWhereTheyBegin() {
        assertThat(model.currentRoomProperty().get()).isEqualTo("attic");
        say("lobby", "bob", "first");
        say("lobby", "carol", "second");

        assertThat(lobby().unreadProperty().get()).isEqualTo(2);
        assertThat(lobby().mentionsProperty().get()).isZero();
        assertThat(model.totalUnreadProperty().get()).isEqualTo(2);

        model.currentRoomProperty().set("lobby");

        assertThat(lobby().unreadProperty().get()).isZero();
        assertThat(model.totalUnreadProperty().get()).isZero();
        List<LogLine> lines = lobby().lines();
        int marker = lobby().markerIndex();
        assertThat(lines.get(marker).kind()).isEqualTo(LogLine.Kind.NEW_MESSAGES);
        assertThat(lines.get(marker + 1).text()).isEqualTo("first");
    }

    @Test
    void theMarkerMovesToTheNextUnreadBurstAndThereIsOnlyOne() {
        say("lobby", "bob", "old");
        model.currentRoomProperty().set("lobby");
        model.currentRoomProperty().set("attic");
        say("lobby", "bob", "new");

        model.currentRoomProperty().set("lobby");

        assertThat(lobby().lines()).filteredOn(line -> line.kind() == LogLine.Kind.NEW_MESSAGES).hasSize(1);
        assertThat(lobby().lines().get(lobby().markerIndex() + 1).text()).isEqualTo("new");
    }

    @Test
    void whileTheWindowHasNoFocusTheOpenConversationCountsToo() {
        model.windowFocusedProperty().set(false);
        say("attic", "bob", "are you there?");

        assertThat(attic().unreadProperty().get()).isEqualTo(1);

        model.windowFocusedProperty().set(true);
        assertThat(attic().unreadProperty().get()).isZero();
    }

    @Test
    void yourNickAsAWordAndHighlightWordsAreMentionsAndYourOwnLinesAreNeverUnread() {
        model.highlightWords().add("release");
        say("lobby", "bob", "ANN: look");
        say("lobby", "bob", "the release is out");
        say("lobby", "bob", "annoying, isn't it");
        say("lobby", "ann", "ann here");

        assertThat(lobby().unreadProperty().get()).isEqualTo(3);
        assertThat(lobby().mentionsProperty().get()).isEqualTo(2);
    }

    @Test
    void aWhisperIsAMentionInItsOwnConversationAndNotifiesWithoutSwitching() {
        connection.serverSends(new WhisperMessage("w1", "bob", "ann", "psst", NOW));

        ConversationViewModel bob = conversation("bob");
        assertThat(bob.kind()).isEqualTo(ConversationViewModel.Kind.PRIVATE);
        assertThat(bob.unreadProperty().get()).isEqualTo(1);
        assertThat(bob.mentionsProperty().get()).isEqualTo(1);
        assertThat(model.currentRoomProperty().get()).isEqualTo("attic");
        assertThat(notifications).containsExactly("bob | psst");
    }

    @Test
    void aRoomMessageNotifiesOnlyWhenItMentionsYouUnlessTheRoomSaysAll() {
        say("lobby", "bob", "nothing for ann... well, ann");
        say("lobby", "bob", "plain");
        assertThat(notifications).containsExactly("bob in lobby | nothing for ann... well, ann");

        clock.advance(Duration.ofMillis(5_000));
        lobby().notificationsProperty().set(NotificationPolicy.Level.ALL);
        say("lobby", "carol", "plain too");
        assertThat(notifications).hasSize(2).last().isEqualTo("carol in lobby | plain too");

        clock.advance(Duration.ofMillis(5_000));
        lobby().notificationsProperty().set(NotificationPolicy.Level.NONE);
        say("lobby", "carol", "ann ann ann");
        assertThat(notifications).hasSize(2);
    }

    @Test
    void aBurstBecomesOneNotificationTwoSecondsLater() {
        connection.serverSends(new WhisperMessage("w1", "bob", "ann", "one", NOW));
        connection.serverSends(new WhisperMessage("w2", "bob", "ann", "two", NOW));
        connection.serverSends(new WhisperMessage("w3", "carol", "ann", "three", NOW));
        assertThat(notifications).containsExactly("bob | one");

        clock.advance(Duration.ofMillis(2_000));
        scheduler.runDue();

        assertThat(notifications).containsExactly("bob | one", "Parley | 2 messages from 2 people");
    }

    @Test
    void whatIsOnScreenDoesNotNotify() {
        say("attic", "bob", "ann, you see this");

        assertThat(notifications).isEmpty();
        assertThat(attic().unreadProperty().get()).isZero();
    }

    @Test
    void sendingInAPrivateConversationWhispersAndAToChoiceInARoomLeavesALineThere() {
        model.openPrivate("bob");
        model.input().draftProperty().set("just us");
        model.input().send();
        assertThat(connection.sent()).last().isEqualTo(new ClientEvent.Whisper("bob", "just us", "m1"));

        model.currentRoomProperty().set("lobby");
        model.recipientProperty().set(Recipient.person("carol"));
        model.input().draftProperty().set("for carol");
        model.input().send();
        connection.serverSends(new ServerEvent.Ok("m2", "w9"));

        assertThat(lobby().lines()).last().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(LogLine.Kind.WHISPER_NOTE);
            assertThat(line.from()).isEqualTo("carol");
            assertThat(line.text()).isEqualTo("for carol");
        });
    }

    @Test
    void closingAPrivateConversationHidesItUntilTheNextWhisper() {
        model.openPrivate("bob");
        assertThat(names()).containsExactly("lobby", "attic", "bob");

        model.closeOrLeaveOpen();
        assertThat(names()).containsExactly("lobby", "attic");

        connection.serverSends(new WhisperMessage("w1", "bob", "ann", "back again", NOW));
        assertThat(names()).containsExactly("lobby", "attic", "bob");
    }

    @Test
    void leavingARoomClosesItsEntry() {
        connection.serverSends(new ServerEvent.Left("lobby"));

        assertThat(names()).containsExactly("attic");
    }

    @Test
    void neighboursWrapAround() {
        model.openPrivate("bob");
        model.openNeighbour(1);
        assertThat(model.openConversationProperty().get().name()).isEqualTo("lobby");
        model.openNeighbour(-1);
        assertThat(model.openConversationProperty().get().name()).isEqualTo("bob");
    }

    @Test
    void joinsAndLeavesOfPeopleWhoSpokeLatelyAreMarkedForTheSmartFilter() {
        say("lobby", "bob", "bye all");
        connection.serverSends(new Presence("lobby", "bob", Presence.LEAVE), new Presence("lobby", "dave", Presence.JOIN));
        clock.advance(Duration.ofMillis(11 * 60 * 1000));
        connection.serverSends(new Presence("lobby", "bob", Presence.JOIN));

        List<LogLine> presence = lobby().lines().stream().filter(line -> line.kind() == LogLine.Kind.PRESENCE).toList();
        assertThat(presence).extracting(LogLine::text).containsExactly("bob left", "dave joined", "bob joined");
        assertThat(presence).extracting(LogLine::mention).containsExactly(true, false, false);
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeSending() {
        model.input().draftProperty().set("x".repeat(InputViewModel.DEFAULT_MAX_TEXT + 1));
        assertThat(model.input().charactersLeftProperty().get()).isEqualTo(-1);
        assertThat(model.input().canSendProperty().get()).isFalse();
        int sent = connection.sent().size();

        model.input().send();

        assertThat(connection.sent()).hasSize(sent);
        assertThat(attic().lines()).last().extracting(LogLine::kind).isEqualTo(LogLine.Kind.ERROR);
        assertThat(model.input().draftProperty().get()).hasSize(InputViewModel.DEFAULT_MAX_TEXT + 1);
    }

    @Test
    void helpAndUnknownCommandsAreLocalLines() {
        model.input().draftProperty().set("/help join");
        model.input().send();
        model.input().draftProperty().set("/frobnicate");
        model.input().send();

        assertThat(attic().lines()).extracting(LogLine::text).contains("/join ROOM [KEY] — join a room (and open it); the key opens a room that has one");
        assertThat(attic().lines()).last().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(LogLine.Kind.ERROR);
            assertThat(line.text()).contains("/help");
        });
        assertThat(model.input().draftProperty().get()).isEqualTo("/frobnicate");
    }

    @Test
    void aNewDayGetsASeparator() {
        say("attic", "bob", "late");
        clock.advance(Duration.ofMillis(24L * 3600 * 1000));
        say("attic", "bob", "early");

        List<LogLine> lines = attic().lines();
        assertThat(lines.get(lines.size() - 2).kind()).isEqualTo(LogLine.Kind.DAY);
    }

    @Test
    void aSavedServerFillsTheConnectionAndItsRoomsAreJoined() {
        var kept = new ArrayList<List<SavedServer>>();
        model.savedServers().setStore(new SavedServer.Store() {
            @Override
            public List<SavedServer> loadServers() {
                return List.of();
            }

            @Override
            public void saveServers(List<SavedServer> servers) {
                kept.add(servers);
            }
        });
        var work = new SavedServer("work", "chat.example", 9000, true, "ann", List.of("dev", "ops"), "", true);
        var home = new SavedServer("home", "home.example", 8025, false, "annie", List.of(), "", true);

        model.savedServers().save(work);
        model.savedServers().save(home);
        model.savedServers().save(new SavedServer("home", "home.example", 8026, false, "annie", List.of(), "", true));

        assertThat(model.savedServers().list()).extracting(SavedServer::name).containsExactly("work", "home");
        assertThat(model.savedServers().forStart().port()).isEqualTo(8026);
        assertThat(model.savedServers().list().get(0).connectAtStart()).isFalse();
        assertThat(kept).last().isEqualTo(List.copyOf(model.savedServers().list()));

        model.disconnect();
        model.useServer(work);
        assertThat(model.session().hostProperty().get()).isEqualTo("chat.example");
        assertThat(model.session().secureProperty().get()).isTrue();
        model.connect();
        connection.open();
        connection.clear();
        connection.serverSends(ServerEvent.Welcome.fresh("ann", "token-2", null));
        assertThat(connection.sent()).filteredOn(ClientEvent.Join.class::isInstance)
                .extracting(event -> ((ClientEvent.Join) event).room()).containsExactly("dev", "ops");
    }

    private void say(String room, String from, String text) {
        connection.serverSends(new Message(String.valueOf(nextId++), room, from, text, clock.millis()));
    }

    private ConversationViewModel lobby() {
        return conversation("lobby");
    }

    private ConversationViewModel attic() {
        return conversation("attic");
    }

    private ConversationViewModel conversation(String name) {
        return model.conversations().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> names() {
        return model.conversations().stream().map(ConversationViewModel::name).toList();
    }
}
