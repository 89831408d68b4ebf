package parley.client.view;

import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.PasswordField;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;
import parley.client.viewmodel.ConversationViewModel;
import parley.client.viewmodel.Recipient;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.protocol.EventCodec;
import parley.server.ParleyServer;
import parley.server.TestCertificates;
import parley.server.access.Access;
import parley.server.access.Password;
import parley.server.chat.ChatService;
import parley.server.chat.ChatState;
import parley.server.transport.TlsSettings;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** User stories in real windows (headless) against a real server on a free port. */
@Timeout(60)
class ChatWindowTest {
    private final FxRobot robot = new FxRobot();
    private final List<ClientWindow> windows = new ArrayList<>();
    private WebSocketServer server;

    @BeforeAll
    static void startToolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void startServer() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults());
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (ClientWindow window : windows) {
            window.close();
        }
        server.stop();
    }

    @Test
    void connectRenameJoinSwitchAndLeaveRooms() throws Exception {
        var alice = window();

        connectAs(alice, "alice");
        assertThat(text(alice, ChatView.STATUS)).isEqualTo("Connected as alice");
        assertThat(alice.model().joinedRooms()).containsExactly("lobby");

        replaceText(alice, ChatView.NICKNAME, "alicia");
        robot.type(KeyCode.ENTER);
        eventually(() -> text(alice, ChatView.STATUS).equals("Connected as alicia"));

        replaceText(alice, ChatView.ROOM_TO_JOIN, "attic");
        robot.clickOn(alice.<Button>node(robot, ChatView.JOIN));
        eventually(() -> alice.model().joinedRooms().equals(List.of("lobby", "attic")));
        assertThat(alice.model().currentRoomProperty().get()).isEqualTo("attic");

        ListView<String> rooms = alice.node(robot, ChatView.ROOMS);
        robot.clickOn(robot.from(rooms).lookup(".list-cell").nth(0).<Node>query());
        eventually(() -> "lobby".equals(alice.model().currentRoomProperty().get()));
        assertThat(alice.logLines()).anyMatch(line -> line.endsWith("* You joined lobby"));

        robot.clickOn(alice.<Button>node(robot, ChatView.LEAVE));
        eventually(() -> alice.model().joinedRooms().equals(List.of("attic")));
    }

    @Test
    void anOperatorKicksAndBansAMemberInAnotherWindow() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        ListView<String> members = alice.node(robot, ChatView.MEMBERS);
        eventually(() -> members.getItems().equals(List.of("alice", "bob")));
        eventually(() -> memberCellTexts(alice).equals(List.of("@alice (you)", "bob")), () -> "cells " + memberCellTexts(alice));
        assertThat(text(alice, ChatView.TOPIC)).isEmpty();

        robot.interact(() -> alice.stage().toFront());
        var bobsCell = robot.from(members).lookup(".list-cell").nth(1).<javafx.scene.control.ListCell<String>>query();
        // What a right-click does (the headless toolkit has no context-menu gesture).
        robot.interact(() -> bobsCell.getContextMenu().show(bobsCell, javafx.geometry.Side.BOTTOM, 0, 0));
        MenuItem kick = bobsCell.getContextMenu().getItems().stream()
                .filter(item -> "Kick".equals(item.getText())).findFirst().orElseThrow();
        assertThat(kick.isVisible()).as("an operator may kick").isTrue();
        robot.interact(() -> {
            kick.fire();
            bobsCell.getContextMenu().hide();
        });

        eventually(() -> !bob.model().joinedRooms().contains("lobby"));
        eventually(() -> bob.logLines().stream().anyMatch(line -> line.endsWith("! alice put you out of lobby")));
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("* alice kicked bob")));

        say(bob, "/join lobby");
        eventually(() -> bob.model().joinedRooms().contains("lobby"));
        say(alice, "/ban bob flooding");
        eventually(() -> !bob.model().joinedRooms().contains("lobby"));
        eventually(() -> bob.logLines().stream().anyMatch(line -> line.endsWith("! alice put you out of lobby (flooding)")));
        assertThat(alice.logLines()).anyMatch(line -> line.endsWith("* alice banned bob (flooding)"));

        say(bob, "/join lobby");
        eventually(() -> bob.logLines().stream().anyMatch(line -> line.endsWith("! you are banned from lobby")),
                () -> "bob's log " + bob.logLines());
    }

    @Test
    void aTopicSetInOneWindowShowsAboveTheLogInAnother() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");

        replaceText(alice, ChatView.TOPIC, "Release on Friday");
        robot.type(KeyCode.ENTER);

        eventually(() -> text(bob, ChatView.TOPIC).equals("Release on Friday"));
        say(alice, "/mode +t");
        eventually(() -> !bob.<TextField>node(robot, ChatView.TOPIC).isEditable());
        say(bob, "/me waves");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("* bob waves")));
    }

    private List<String> memberCellTexts(ClientWindow window) {
        ListView<String> members = window.node(robot, ChatView.MEMBERS);
        return robot.from(members).lookup(".list-cell").queryAll().stream()
                .map(cell -> ((javafx.scene.control.ListCell<?>) cell).getText()).filter(java.util.Objects::nonNull).toList();
    }

    @Test
    void aRoomMessageReachesEveryMembersLog() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");

        say(alice, "hello everyone");

        eventually(() -> bob.logLines().stream().anyMatch(line -> line.endsWith("alice: hello everyone")));
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("alice: hello everyone")));
        assertThat(text(alice, ChatView.DRAFT)).isEmpty();
    }

    @Test
    void aWhisperOpensAPrivateConversationInBothWindowsAndNothingInAThird() throws Exception {
        var alice = window();
        var bob = window();
        var carol = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        connectAs(carol, "carol");
        eventually(() -> alice.model().recipients().contains(Recipient.person("carol")));

        chooseRecipient(alice, "bob");
        say(alice, "psst, only for bob");

        // Alice's room shows where the message went; her private conversation with bob holds it.
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("→ whisper to bob: psst, only for bob")));
        eventually(() -> conversation(alice, "bob") != null);
        // Bob gets the conversation in the sidebar, counted as unread and as a mention, without leaving the room.
        eventually(() -> conversation(bob, "alice") != null && conversation(bob, "alice").mentionsProperty().get() == 1);
        assertThat(conversation(bob, "alice").unreadProperty().get()).isEqualTo(1);
        assertThat(bob.model().currentRoomProperty().get()).isEqualTo("lobby");
        assertThat(bob.notifications()).containsExactly("alice | psst, only for bob");
        say(carol, "carol was here");
        eventually(() -> carol.logLines().stream().anyMatch(line -> line.endsWith("carol: carol was here")));
        assertThat(carol.logLines()).noneMatch(line -> line.contains("psst"));
        assertThat(carol.model().conversations()).extracting(ConversationViewModel::name).containsExactly("lobby");
        assertThat(carol.notifications()).isEmpty();

        // Opening it clears the badges and puts the "new messages" line above what arrived.
        robot.interact(() -> bob.model().openConversationProperty().set(conversation(bob, "alice")));
        assertThat(conversation(bob, "alice").unreadProperty().get()).isZero();
        assertThat(bob.logLines()).containsSubsequence("— new messages —");
        assertThat(bob.logLines().get(bob.logLines().size() - 1)).endsWith("alice: psst, only for bob");
    }

    @Test
    void aMentionInARoomThatIsNotOpenCountsAndNotifies() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        say(alice, "/join attic");
        eventually(() -> "attic".equals(alice.model().currentRoomProperty().get()));

        say(bob, "is Alice around?");
        say(bob, "no mention here");

        eventually(() -> conversation(alice, "lobby").unreadProperty().get() == 2);
        assertThat(conversation(alice, "lobby").mentionsProperty().get()).isEqualTo(1);
        eventually(() -> alice.notifications().contains("bob in lobby | is Alice around?"));
        assertThat(alice.notifications()).hasSize(1);
    }

    @Test
    void slashCommandsJoinWhisperRenameQueryAndPart() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");

        say(alice, "/join attic");
        eventually(() -> alice.model().joinedRooms().contains("attic"));
        say(alice, "/msg bob meet me in the attic");
        eventually(() -> conversation(bob, "alice") != null
                && conversation(bob, "alice").lines().stream().anyMatch(line -> line.text().equals("meet me in the attic")));
        assertThat(alice.model().currentRoomProperty().get()).isEqualTo("attic");
        say(alice, "/nick alicia");
        eventually(() -> text(alice, ChatView.STATUS).equals("Connected as alicia"));
        say(alice, "/query bob");
        eventually(() -> alice.model().openConversationProperty().get() != null
                && alice.model().openConversationProperty().get().name().equals("bob"));
        say(alice, "straight to you");
        eventually(() -> conversation(bob, "alicia") != null
                && conversation(bob, "alicia").lines().stream().anyMatch(line -> line.text().equals("straight to you")));
        say(alice, "/part attic");
        eventually(() -> !alice.model().joinedRooms().contains("attic"));
        say(alice, "/dance");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.contains("unknown command /dance") && line.contains("/help")));
    }

    @Test
    void tabCompletesNicknamesAndCommands() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        eventually(() -> alice.model().recipients().contains(Recipient.person("bob")));
        TextInputControl draft = alice.node(robot, ChatView.DRAFT);

        robot.interact(() -> alice.stage().toFront());
        robot.clickOn(draft);
        robot.write("bo");
        robot.type(KeyCode.TAB);
        eventually(() -> draft.getText().equals("bob: "));
        robot.interact(() -> draft.setText(""));
        robot.write("/jo");
        robot.type(KeyCode.TAB);
        eventually(() -> draft.getText().equals("/join "));
    }

    @Test
    void theFindBarHighlightsMatchesAndCountsThem() throws Exception {
        var alice = window();
        connectAs(alice, "alice");
        say(alice, "the first apple");
        say(alice, "a pear");
        say(alice, "another apple");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("another apple")));

        robot.interact(() -> alice.stage().toFront());
        robot.clickOn(alice.<TextInputControl>node(robot, ChatView.DRAFT));
        robot.press(KeyCode.CONTROL).type(KeyCode.F).release(KeyCode.CONTROL);
        eventually(() -> alice.node(robot, ChatView.FIND_BAR).isVisible());
        robot.write("apple");

        eventually(() -> text(alice, ChatView.FIND_COUNT).equals("2 of 2"));
        robot.type(KeyCode.ENTER);
        eventually(() -> text(alice, ChatView.FIND_COUNT).equals("1 of 2"), () -> "find count: " + text(alice, ChatView.FIND_COUNT));
        robot.clickOn(alice.<Button>node(robot, ChatView.FIND_CLOSE));
        eventually(() -> !alice.node(robot, ChatView.FIND_BAR).isVisible());
        assertThat(text(alice, ChatView.FIND_COUNT)).isEmpty();
    }

    @Test
    void theThemeSwitchesFromTheViewMenu() throws Exception {
        var alice = window();
        MenuBar menus = robot.from(alice.stage().getScene().getRoot()).lookup(".menu-bar").query();
        Menu view = menus.getMenus().stream().filter(menu -> menu.getText().equals("View")).findFirst().orElseThrow();
        Menu theme = (Menu) view.getItems().stream().filter(item -> "Theme".equals(item.getText())).findFirst().orElseThrow();
        MenuItem dark = theme.getItems().stream().filter(item -> "Dark".equals(item.getText())).findFirst().orElseThrow();

        robot.interact(dark::fire);

        assertThat(alice.options().themeProperty().get()).isEqualTo(Theme.DARK);
        assertThat(alice.stage().getScene().getRoot().getStyleClass()).contains("dark").doesNotContain("light");
        robot.interact(() -> alice.options().themeProperty().set(Theme.LIGHT));
        assertThat(alice.stage().getScene().getRoot().getStyleClass()).contains("light");
    }

    @Test
    void logsAreWrittenAndShownAgainAfterARestart(@TempDir Path logs) throws Exception {
        var alice = ClientWindow.open(server.port(), 0, logs);
        windows.add(alice);
        connectAs(alice, "alice");
        say(alice, "remember this line");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("alice: remember this line")));
        windows.remove(alice);
        alice.close();
        try (var files = Files.walk(logs)) {
            assertThat(files.filter(Files::isRegularFile).map(file -> logs.relativize(file).toString()))
                    .anyMatch(file -> file.contains("#lobby"));
        }

        var again = ClientWindow.open(server.port(), 0, logs);
        windows.add(again);
        connectAs(again, "alice");

        // The last session's lines come back greyed above an "earlier" line; what the server's history repeats
        // is shown once.
        eventually(() -> again.logLines().contains("— earlier (from the log on disk) —"));
        assertThat(conversation(again, "lobby").lines()).anySatisfy(line -> {
            assertThat(line.text()).isEqualTo("You joined lobby");
            assertThat(line.earlier()).isTrue();
        });
        assertThat(again.logLines()).filteredOn(line -> line.endsWith("alice: remember this line")).hasSize(1);
    }

    @Test
    void theDropdownFollowsJoinsRenamesAndLeaves() throws Exception {
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");

        connectAs(bob, "bob");
        eventually(() -> alice.model().recipients().contains(Recipient.person("bob")));

        replaceText(bob, ChatView.NICKNAME, "robert");
        robot.type(KeyCode.ENTER);
        eventually(() -> alice.model().recipients().contains(Recipient.person("robert")));
        assertThat(alice.model().recipients()).doesNotContain(Recipient.person("bob"));

        chooseRecipient(alice, "robert");
        robot.clickOn(bob.<Button>node(robot, ChatView.CONNECT));
        eventually(() -> alice.model().recipients().equals(List.of(Recipient.EVERYONE)));
        assertThat(alice.model().recipientProperty().get()).isEqualTo(Recipient.EVERYONE);
        assertThat(alice.logLines()).anyMatch(line -> line.endsWith("robert left: messages go to everyone in lobby again"));
    }

    @Test
    void aWhisperToSomeoneWhoJustLeftShowsTheErrorAndKeepsTheText() throws Exception {
        var alice = window();
        var bob = window();
        var carol = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        connectAs(carol, "carol");
        eventually(() -> alice.model().recipients().contains(Recipient.person("bob")));
        chooseRecipient(alice, "bob");

        alice.pauseEvents();
        robot.clickOn(bob.<Button>node(robot, ChatView.CONNECT));
        eventually(() -> !carol.model().openConversationProperty().get().members().contains("bob"));
        say(alice, "are you still there?");
        alice.resumeEvents();

        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("! no user named bob")));
        assertThat(text(alice, ChatView.DRAFT)).isEqualTo("are you still there?");
        say(alice, "");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("alice: are you still there?")));
    }

    @Test
    void aTakenNicknameShowsTheReasonAndTheWindowStaysUsable() throws Exception {
        var alice = window();
        var impostor = window();
        connectAs(alice, "alice");

        replaceText(impostor, ChatView.NICKNAME, "ALICE");
        robot.clickOn(impostor.<Button>node(robot, ChatView.CONNECT));

        eventually(() -> text(impostor, ChatView.NICK_ERROR).equals("the nickname ALICE is taken"));
        assertThat(text(impostor, ChatView.NICKNAME)).startsWith("guest-");
        say(impostor, "still able to talk");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.contains(": still able to talk")));
    }

    @Test
    void aServerThatIsNotRunningGivesAClearMessageQuickly() throws Exception {
        var alice = window();
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        replaceText(alice, ChatView.PORT, String.valueOf(closedPort));

        robot.clickOn(alice.<Button>node(robot, ChatView.CONNECT));

        await().atMost(Duration.ofSeconds(6)).until(() -> text(alice, ChatView.STATUS).startsWith("Failed:"));
        assertThat(text(alice, ChatView.STATUS)).contains("no Parley server at localhost:" + closedPort);
        assertThat(alice.<Button>node(robot, ChatView.CONNECT).isDisabled()).isFalse();
        assertThat(alice.<TextField>node(robot, ChatView.PORT).isDisabled()).isFalse();
        // A long failure gives way itself: host, port and nickname stay readable to be corrected.
        WaitForAsyncUtils.waitForFxEvents();
        for (String id : List.of(ChatView.HOST, ChatView.PORT, ChatView.NICKNAME)) {
            TextField field = alice.node(robot, id);
            assertThat(field.getWidth()).as(id + " width").isGreaterThanOrEqualTo(field.prefWidth(-1) - 0.5);
        }
    }

    @Test
    void aRestartedServerIsRejoinedOnItsOwnAsANewSession() throws Exception {
        var alice = window();
        connectAs(alice, "alice");
        int port = server.port();

        server.stop();
        eventually(() -> text(alice, ChatView.STATUS).startsWith("Reconnecting in"));
        assertThat(alice.<Button>node(robot, ChatView.RECONNECT_NOW).isVisible()).isTrue();
        assertThat(alice.model().joinedRooms()).containsExactly("lobby");
        server = ParleyServer.start("127.0.0.1", port, ChatLimits.defaults(), TransportLimits.defaults());
        robot.clickOn(alice.<Button>node(robot, ChatView.RECONNECT_NOW));

        eventually(() -> text(alice, ChatView.STATUS).equals("Connected as alice")
                && alice.model().joinedRooms().contains("lobby")
                && alice.logLines().stream().anyMatch(line -> line.contains("Reconnected as a new session")));
        assertThat(alice.<Button>node(robot, ChatView.RECONNECT_NOW).isVisible()).isFalse();
        say(alice, "back again");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("alice: back again")));
    }

    @Test
    void aServerRestartedWithItsStateIsResumedAtOnceAndNothingIsLost() throws Exception {
        server.stop();
        var chat = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        server = ParleyServer.start("127.0.0.1", 0, chat, TransportLimits.defaults());
        var alice = window();
        var bob = window();
        connectAs(alice, "alice");
        connectAs(bob, "bob");
        say(bob, "before the restart");
        eventually(() -> alice.logLines().stream().anyMatch(line -> line.endsWith("bob: before the restart")));
        int port = server.port();

        // What a server alone with a state file does on SIGTERM, and its next start.
        server.drain();
        eventually(() -> chat.connectedUsers() == 0);
        ChatState saved = chat.save();
        server.stop();
        eventually(() -> text(alice, ChatView.STATUS).startsWith("The server restarts: not back yet"),
                () -> "status " + text(alice, ChatView.STATUS));
        var restarted = ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC());
        restarted.restore(saved);
        server = ParleyServer.start("127.0.0.1", port, restarted, TransportLimits.defaults());

        for (ClientWindow window : List.of(alice, bob)) {
            eventually(() -> text(window, ChatView.STATUS).startsWith("Connected as")
                    && window.logLines().stream().anyMatch(line -> line.contains("Reconnected: your session resumed")),
                    () -> "status " + text(window, ChatView.STATUS));
        }
        say(alice, "after the restart");
        eventually(() -> bob.logLines().stream().anyMatch(line -> line.endsWith("alice: after the restart")));
        assertThat(alice.logLines()).filteredOn(line -> line.endsWith("bob: before the restart")).hasSize(1);
        assertThat(alice.<ListView<String>>node(robot, ChatView.MEMBERS).getItems()).containsExactly("alice", "bob");
        assertThat(alice.logLines()).noneMatch(line -> line.endsWith("bob left") || line.endsWith("bob joined"));
    }

    // --- steps a user takes

    @Test
    void aSecureServerWithAPasswordAndAnUnknownCertificateIsTrustedOnceAndJoined() throws Exception {
        var ca = TestCertificates.ca("Dave's own CA");
        var certificate = TestCertificates.server(ca);
        Path folder = Files.createTempDirectory("parley-tls");
        Path[] files = TestCertificates.writePem(folder, "server", certificate);
        var secureServer = ParleyServer.start("127.0.0.1", 0,
                ChatService.alone(new EventCodec(), ChatLimits.defaults(), Clock.systemUTC()), TransportLimits.defaults(),
                Access.open().withPassword(Password.of("open sesame")),
                TlsSettings.fromPem(files[0], files[1], null, null, TlsSettings.ClientAuth.NONE));
        try {
            var dave = ClientWindow.open(secureServer.port(), windows.size(), true,
                    new ServerTrust(new MemoryPins(), List.of(), null));
            windows.add(dave);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(dave.<CheckBox>node(robot, ChatView.SECURE).isSelected()).isTrue();

            replaceText(dave, ChatView.NICKNAME, "dave");
            robot.clickOn(dave.<Button>node(robot, ChatView.CONNECT));
            eventually(() -> dave.node(robot, ChatView.CERTIFICATE_BAR).isVisible());
            assertThat(text(dave, ChatView.CERTIFICATE_MESSAGE)).contains("is not trusted")
                    .contains(ServerTrust.fingerprint(certificate.certificate()));

            robot.clickOn(dave.<Button>node(robot, ChatView.TRUST_CERTIFICATE));
            eventually(() -> dave.node(robot, ChatView.PASSWORD_BAR).isVisible());
            robot.clickOn(dave.<PasswordField>node(robot, ChatView.PASSWORD)).write("open sesame").type(KeyCode.ENTER);

            eventually(() -> text(dave, ChatView.STATUS).equals("Connected as dave")
                    && dave.model().joinedRooms().contains("lobby"));
            assertThat(dave.node(robot, ChatView.CERTIFICATE_BAR).isVisible()).isFalse();
            assertThat(dave.node(robot, ChatView.PASSWORD_BAR).isVisible()).isFalse();
        } finally {
            secureServer.stop();
        }
    }

    private ClientWindow window() throws Exception {
        var window = ClientWindow.open(server.port(), windows.size());
        windows.add(window);
        WaitForAsyncUtils.waitForFxEvents();
        return window;
    }

    private void connectAs(ClientWindow window, String nick) {
        replaceText(window, ChatView.NICKNAME, nick);
        robot.clickOn(window.<Button>node(robot, ChatView.CONNECT));
        try {
            eventually(() -> text(window, ChatView.STATUS).equals("Connected as " + nick)
                    && window.model().joinedRooms().contains("lobby"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not connected as " + nick + ": status \"" + text(window, ChatView.STATUS)
                    + "\", nickname field \"" + text(window, ChatView.NICKNAME) + "\", rooms "
                    + window.model().joinedRooms() + ", log " + window.logLines(), e);
        }
    }

    private static ConversationViewModel conversation(ClientWindow window, String name) {
        return window.model().conversations().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    private void say(ClientWindow window, String text) {
        TextInputControl draft = window.node(robot, ChatView.DRAFT);
        robot.interact(() -> window.stage().toFront());
        robot.clickOn(draft);
        if (!text.isEmpty()) {
            robot.interact(() -> draft.setText(""));
            robot.write(text);
        }
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void chooseRecipient(ClientWindow window, String nick) {
        ComboBox<Recipient> recipient = window.node(robot, ChatView.RECIPIENT);
        // The dropdown's popup is a window TestFX's headless lookup does not reach: choose through the control.
        robot.interact(() -> recipient.getSelectionModel().select(Recipient.person(nick)));
        eventually(() -> Recipient.person(nick).equals(recipient.getValue()));
    }

    private void replaceText(ClientWindow window, String id, String text) {
        TextField field = window.node(robot, id);
        robot.interact(() -> window.stage().toFront());
        robot.clickOn(field);
        robot.interact(() -> field.setText(""));
        robot.write(text);
        eventually(() -> field.getText().equals(text));
    }

    private String text(ClientWindow window, String id) {
        var node = window.node(robot, id);
        if (node instanceof Label label) {
            return label.getText();
        }
        return ((TextInputControl) node).getText();
    }

    private static void eventually(Callable<Boolean> condition, java.util.function.Supplier<String> whatWasSeen) {
        try {
            eventually(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(whatWasSeen.get(), e);
        }
    }

    private static void eventually(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return condition.call();
        });
    }
}
