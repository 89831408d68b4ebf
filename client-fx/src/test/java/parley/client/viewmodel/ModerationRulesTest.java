package parley.client.viewmodel;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import parley.client.chat.LogLine;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;
import parley.protocol.ServerEvent.Joined;
import parley.server.chat.MutableClock;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms people run, as the window sees them: the commands it sends, and what the server's answers show. */
class ModerationRulesTest {
    private static final long NOW = 1_732_400_000_000L;
    private static final ServerEvent.Limits LIMITS = new ServerEvent.Limits(2000, 300, 50, 20, 40, 65536);
    private final FakeChatConnection connection = new FakeChatConnection();
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(NOW));
    private ChatViewModel model;

    @BeforeEach
    void connectAsAnnOperatorOfLobby() {
        model = new ChatViewModel(connection, Runnable::run, new Settings.Store() {
            @Override
            public Settings load() {
                return Settings.defaults();
            }

            @Override
            public void save(Settings settings) {
            }
        }, new ServerTrust(new MemoryPins(), List.of(), null), clock, null, new FakeScheduler(), new Backoff(() -> 1.0));
        model.connect();
        connection.open();
        connection.serverSends(ServerEvent.Welcome.fresh("ann", "token-1", LIMITS));
        connection.serverSends(new Joined("lobby", List.of("ann", "bob", "carol"), List.of(), 0,
                new ServerEvent.TopicInfo("Release on Friday", "carol", NOW), Map.of("carol", "lunch"),
                Map.of("ann", "op", "bob", "voice"), new ServerEvent.Modes(false, true, false, false)));
        connection.clear();
    }

    @Test
    void joinedShowsTopicModesRolesAndWhoIsAway() {
        assertThat(lobby().topicProperty().get()).isEqualTo("Release on Friday");
        assertThat(lobby().topicByProperty().get()).startsWith("set by carol at ");
        assertThat(lobby().modesProperty().get().moderated()).isTrue();
        assertThat(lobby().roles()).isEqualTo(Map.of("ann", "op", "bob", "voice"));
        assertThat(lobby().isOperator("ann")).isTrue();
        assertThat(model.moderation().away()).isEqualTo(Map.of("carol", "lunch"));
        assertThat(model.moderation().features()).contains("topic", "moderation");
    }

    @Test
    void eachRoomCommandSendsItsRequestForTheOpenRoom() {
        type("/topic Ship it");
        type("/op bob");
        type("/devoice bob");
        type("/kick bob cool off");
        type("/ban mallory known troll");
        type("/unban mallory");
        type("/bans");
        type("/mode +i +k s3cret");
        type("/invite dave");
        type("/join vault s3cret");

        assertThat(connection.sent()).extracting(ClientEvent::getClass).containsExactly(ClientEvent.Topic.class,
                ClientEvent.Role.class, ClientEvent.Role.class, ClientEvent.Kick.class, ClientEvent.Ban.class,
                ClientEvent.Unban.class, ClientEvent.Bans.class, ClientEvent.Mode.class, ClientEvent.Invite.class,
                ClientEvent.Join.class);
        assertThat(connection.lastSent(ClientEvent.Topic.class)).extracting(ClientEvent.Topic::room, ClientEvent.Topic::topic)
                .containsExactly("lobby", "Ship it");
        assertThat(connection.lastSent(ClientEvent.Kick.class)).extracting(ClientEvent.Kick::nick, ClientEvent.Kick::reason)
                .containsExactly("bob", "cool off");
        assertThat(connection.lastSent(ClientEvent.Mode.class)).extracting(ClientEvent.Mode::inviteOnly, ClientEvent.Mode::key)
                .containsExactly(true, "s3cret");
        assertThat(connection.lastSent(ClientEvent.Join.class).key()).isEqualTo("s3cret");
        assertThat(model.input().draftProperty().get()).isEmpty();
    }

    @Test
    void meSendsAnActionAndActionsReadAsStarLines() {
        type("/me waves");

        assertThat(connection.lastSent(ClientEvent.Say.class)).extracting(ClientEvent.Say::text, ClientEvent.Say::kind)
                .containsExactly("waves", "action");
        connection.serverSends(new ServerEvent.Message("1", "lobby", "bob", "nods", NOW, "action"));
        assertThat(lobby().lines()).last().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(LogLine.Kind.ACTION);
            assertThat(line.from()).isEqualTo("bob");
            assertThat(line.text()).isEqualTo("nods");
        });
    }

    @Test
    void awayAndBackShowInTheStatusAndAWhisperToSomeoneAwaySaysSoOnce() {
        type("/away lunch");
        assertThat(connection.lastSent(ClientEvent.Away.class).message()).isEqualTo("lunch");
        connection.serverSends(new ServerEvent.AwayChanged("ann", "lunch"));
        assertThat(model.moderation().myAwayProperty().get()).isEqualTo("lunch");
        type("/back");
        assertThat(connection.lastSent(ClientEvent.Away.class).message()).isNull();
        connection.serverSends(new ServerEvent.AwayChanged("ann", null));
        assertThat(model.moderation().myAwayProperty().get()).isEmpty();

        type("/msg carol are you there?");
        String ref = connection.lastSent(ClientEvent.Whisper.class).ref();
        connection.serverSends(new ServerEvent.Ok(ref, "w1", "lunch"));
        type("/msg carol still?");
        connection.serverSends(new ServerEvent.Ok(connection.lastSent(ClientEvent.Whisper.class).ref(), "w2", "lunch"));
        var carol = model.conversations().stream().filter(c -> c.name().equals("carol")).findFirst().orElseThrow();
        assertThat(carol.lines()).extracting(LogLine::text).containsOnlyOnce("carol is away: lunch");
    }

    @Test
    void serverEventsBecomeLinesAndState() {
        connection.serverSends(new ServerEvent.TopicChanged("lobby", "New topic", "bob", NOW));
        connection.serverSends(new ServerEvent.RoleChanged("lobby", "carol", "op", null));
        connection.serverSends(new ServerEvent.ModeChanged("lobby", new ServerEvent.Modes(true, false, true, false), "ann"));
        connection.serverSends(new ServerEvent.Kicked("lobby", "bob", "ann", "spam"));
        connection.serverSends(new ServerEvent.Banned("lobby", "mallory", "ann", null));

        assertThat(lobby().topicProperty().get()).isEqualTo("New topic");
        assertThat(lobby().roles()).containsEntry("carol", "op").doesNotContainKey("bob");
        assertThat(lobby().members()).containsExactly("ann", "carol");
        assertThat(lobby().lines()).extracting(LogLine::text).contains(
                "bob set the topic: New topic",
                "The server made carol an operator",
                "ann made the room not moderated, invite-only, topic locked to operators",
                "ann kicked bob (spam)",
                "ann banned mallory");
    }

    @Test
    void beingKickedClosesTheRoomAndSaysWhy() {
        connection.serverSends(new Joined("attic", List.of("ann", "bob"), List.of(), 0));

        connection.serverSends(new ServerEvent.Kicked("lobby", "ann", "bob", "bye"));

        assertThat(model.joinedRooms()).containsExactly("attic");
        assertThat(model.conversations()).extracting(ConversationViewModel::name).doesNotContain("lobby");
        assertThat(model.logProperty().get()).last().satisfies(line ->
                assertThat(line.text()).isEqualTo("bob put you out of lobby (bye)"));
    }

    @Test
    void anInvitationIsALineWithItsRoomAndWhoisAnswersAreLines() {
        connection.serverSends(new ServerEvent.Invited("den", "bob"));
        assertThat(lobby().lines()).last().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(LogLine.Kind.INVITATION);
            assertThat(line.from()).isEqualTo("bob");
            assertThat(line.text()).isEqualTo("den");
        });

        type("/whois carol");
        assertThat(connection.lastSent(ClientEvent.Whois.class).nick()).isEqualTo("carol");
        connection.serverSends(new ServerEvent.WhoisReply("carol", List.of("lobby"), "lunch", 125, NOW, true));
        assertThat(lobby().lines()).last().extracting(LogLine::text).asString()
                .startsWith("carol: in lobby; away: lunch; idle 2 min; connected since ").endsWith(" over TLS");
    }

    @Test
    void aNoticeShowsInEveryConversationOrInItsRoomSetApart() {
        model.openPrivate("bob");
        connection.serverSends(new ServerEvent.Notice("Restart at 18:00", NOW, null));
        connection.serverSends(new ServerEvent.Notice("Be nice", NOW, "lobby"));

        var bob = model.conversations().stream().filter(c -> c.name().equals("bob")).findFirst().orElseThrow();
        assertThat(bob.lines()).extracting(LogLine::text).containsExactly("Restart at 18:00");
        assertThat(lobby().lines()).filteredOn(line -> line.kind() == LogLine.Kind.NOTICE).extracting(LogLine::text)
                .containsExactly("Restart at 18:00", "Be nice");
    }

    @Test
    void commandsForFeaturesTheServerDoesNotAnnounceAreRefusedHere() {
        // A server of the first version announces nothing.
        connection.serverSends(new ServerEvent.Welcome("ann", 1, "token-2", false, null, null, null));
        connection.clear();

        type("/kick bob");
        type("/me waves");

        assertThat(connection.sent()).isEmpty();
        assertThat(model.logProperty().get()).last().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(LogLine.Kind.ERROR);
            assertThat(line.text()).contains("does not support");
        });
    }

    @Test
    void roomCommandsNeedAnOpenRoom() {
        model.openPrivate("bob");
        type("/kick carol");

        assertThat(connection.sent()).isEmpty();
        assertThat(model.logProperty().get()).last().extracting(LogLine::text).asString().contains("Open a room first");
    }

    private void type(String line) {
        model.input().draftProperty().set(line);
        model.input().send();
    }

    private ConversationViewModel lobby() {
        return model.conversations().stream().filter(c -> c.name().equals("lobby")).findFirst().orElseThrow();
    }
}
