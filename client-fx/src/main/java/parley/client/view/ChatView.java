package parley.client.view;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.collections.transformation.FilteredList;
import parley.client.chat.NotificationPolicy;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.ConversationViewModel;
import parley.client.viewmodel.JoinsAndLeaves;
import parley.client.viewmodel.Notifier;

import java.time.ZoneId;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The chat window, built in code and bound to a {@link ChatViewModel}: menu bar and connection bar on top, the
 * conversations on the left, the open conversation's log (with its find bar) and the input in the middle, the
 * members on the right, the status bar at the bottom. It never touches the connection. Create on the FX thread.
 */
public final class ChatView {
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String NICKNAME = "nickname";
    public static final String NICK_ERROR = "nickError";
    public static final String CONNECT = "connect";
    public static final String SECURE = "secure";
    public static final String CLIENT_CERTIFICATE = "clientCertificate";
    public static final String PASSWORD = "password";
    public static final String SIGN_IN = "signIn";
    public static final String CERTIFICATE_BAR = "certificateBar";
    public static final String PASSWORD_BAR = "passwordBar";
    public static final String CERTIFICATE_MESSAGE = "certificateMessage";
    public static final String TRUST_CERTIFICATE = "trustCertificate";
    public static final String DISTRUST_CERTIFICATE = "distrustCertificate";
    public static final String STATUS = "status";
    public static final String LAG = "lag";
    public static final String LOCK = "lock";
    public static final String RECONNECT_NOW = "reconnectNow";
    public static final String ROOMS = "rooms";
    public static final String ROOM_TO_JOIN = "roomToJoin";
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String SERVER_ROOMS = "serverRooms";
    public static final String REFRESH_ROOMS = "refreshRooms";
    public static final String MEMBERS = "members";
    public static final String MEMBER_COUNT = "memberCount";
    public static final String LOG = "log";
    public static final String TOPIC = "topic";
    public static final String MODES = "modes";
    public static final String AWAY = "away";
    public static final String RECIPIENT = "recipient";
    public static final String DRAFT = "draft";
    public static final String COUNTER = "counter";
    public static final String SEND = "send";
    public static final String FIND_BAR = "findBar";
    public static final String FIND_FIELD = "findField";
    public static final String FIND_COUNT = "findCount";
    public static final String FIND_CLOSE = "findClose";
    public static final String TOASTS = "toasts";
    public static final String STYLESHEET = "/parley/client/view/parley.css";

    private final ChatViewModel model;
    private final ViewOptions options;
    private final ZoneId zone;
    private final BorderPane window = new BorderPane();
    private final StackPane root = new StackPane();
    private final VBox toasts = new VBox(6);
    private final LogPane log;
    private final InputBar input;
    private final HBox findBar;
    private final TextField findField = new TextField();

    public ChatView(ChatViewModel model, ZoneId zone) {
        this(model, new ViewOptions(), zone, url -> { });
    }

    /** @param openLink opens a clicked link in the system's browser */
    public ChatView(ChatViewModel model, ViewOptions options, ZoneId zone, Consumer<String> openLink) {
        this.model = model;
        this.options = options;
        this.zone = zone;
        root.getStyleClass().add("parley");
        log = new LogPane(model, options, zone, openLink);
        input = new InputBar(model, options);
        findBar = findBar();

        var members = new MemberList(model).node();
        var middle = new VBox(new TopicBar(model).node(), findBar, log.node(), input.node());
        VBox.setVgrow(log.node(), Priority.ALWAYS);
        var split = new SplitPane(new ConversationList(model).node(), middle, members);
        split.setDividerPositions(0.2, 0.82);
        SplitPane.setResizableWithParent(split.getItems().get(0), false);
        SplitPane.setResizableWithParent(members, false);
        options.memberListVisibleProperty().addListener((observable, was, visible) -> {
            if (visible && !split.getItems().contains(members)) {
                split.getItems().add(members);
                split.setDividerPosition(1, 0.82);
            } else if (!visible) {
                split.getItems().remove(members);
            }
        });
        if (!options.memberListVisibleProperty().get()) {
            split.getItems().remove(members);
        }

        window.setTop(new VBox(menuBar(), new ConnectionBar(model, root).node()));
        window.setCenter(split);
        var statusBar = new StatusBar(model).node();
        // The status bar is right under the input: a click on it means "let me type".
        statusBar.setOnMouseClicked(event -> input.draft().requestFocus());
        window.setBottom(statusBar);

        toasts.setId(TOASTS);
        toasts.setPickOnBounds(false);
        toasts.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        toasts.setMouseTransparent(false);
        StackPane.setAlignment(toasts, Pos.TOP_RIGHT);
        StackPane.setMargin(toasts, new Insets(90, 16, 0, 0));
        root.getChildren().addAll(window, toasts);
        root.addEventFilter(KeyEvent.KEY_PRESSED, this::shortcuts);
        options.themeProperty().addListener((observable, old, theme) -> theme.apply(root));
    }

    public Parent root() {
        return root;
    }

    /** Notifications shown inside the window, for systems with no notification service. */
    public Notifier toastNotifier() {
        return (summary, body) -> Platform.runLater(() -> toast(summary, body));
    }

    private void toast(String summary, String body) {
        var title = new Label(summary);
        title.getStyleClass().add("toast-title");
        var text = new Label(body);
        text.setWrapText(true);
        var card = new VBox(2, title, text);
        card.getStyleClass().add("toast");
        card.setMaxWidth(320);
        card.setOnMouseClicked(event -> toasts.getChildren().remove(card));
        toasts.getChildren().add(card);
        if (toasts.getChildren().size() > 3) {
            toasts.getChildren().remove(0);
        }
        var linger = new PauseTransition(javafx.util.Duration.seconds(5));
        linger.setOnFinished(event -> toasts.getChildren().remove(card));
        linger.play();
    }

    // --- keys

    private void shortcuts(KeyEvent event) {
        if (event.getCode() == KeyCode.ESCAPE && findBar.isVisible()) {
            closeFind();
            event.consume();
        } else if (event.isAltDown() && (event.getCode() == KeyCode.UP || event.getCode() == KeyCode.DOWN)) {
            model.openNeighbour(event.getCode() == KeyCode.UP ? -1 : 1);
            event.consume();
        }
    }

    private MenuBar menuBar() {
        var connect = item("Connect…", "Shortcut+Shift+C", () -> new ConnectDialog(model, root).show());
        var disconnect = item("Disconnect", null, model::disconnect);
        disconnect.disableProperty().bind(model.session().activeProperty().not());
        var quit = item("Quit", "Shortcut+Q", () -> {
            model.disconnect();
            root.getScene().getWindow().hide();
        });
        var server = new Menu("Server", null, connect, disconnect, new SeparatorMenuItem(), quit);

        var themeMenu = choices("Theme", Theme.values(), Theme::label, options.themeProperty());
        var zoom = new Menu("Zoom", null,
                item("Larger", "Shortcut+=", () -> options.zoomBy(ViewOptions.ZOOM_STEP)),
                item("Smaller", "Shortcut+-", () -> options.zoomBy(-ViewOptions.ZOOM_STEP)),
                item("Normal size", "Shortcut+0", () -> options.zoomProperty().set(1.0)));
        var joinsMenu = choices("Joins and leaves", JoinsAndLeaves.values(), JoinsAndLeaves::label,
                model.joinsAndLeavesProperty());
        var seconds = new CheckMenuItem("Show seconds");
        seconds.selectedProperty().bindBidirectional(options.showSecondsProperty());
        var memberList = new CheckMenuItem("Member list");
        memberList.selectedProperty().bindBidirectional(options.memberListVisibleProperty());
        var keepLogs = new CheckMenuItem("Keep chat logs on disk");
        keepLogs.selectedProperty().bindBidirectional(options.keepLogsProperty());
        var view = new Menu("View", null, themeMenu, zoom, joinsMenu, seconds, memberList, new SeparatorMenuItem(),
                item("Highlight words…", null, this::editHighlightWords), keepLogs);

        var notifications = new Menu("Notifications");
        var levels = new ToggleGroup();
        for (NotificationPolicy.Level level : NotificationPolicy.Level.values()) {
            var choice = new RadioMenuItem(switch (level) {
                case ALL -> "All messages";
                case MENTIONS -> "Mentions and whispers only";
                case NONE -> "None";
            });
            choice.setToggleGroup(levels);
            choice.setOnAction(event -> {
                ConversationViewModel open = model.openConversationProperty().get();
                if (open != null) {
                    open.notificationsProperty().set(level);
                }
            });
            notifications.getItems().add(choice);
            notifications.setOnShowing(event -> {
                ConversationViewModel open = model.openConversationProperty().get();
                levels.getToggles().forEach(toggle -> toggle.setSelected(false));
                if (open != null) {
                    levels.getToggles().get(open.notificationsProperty().get().ordinal()).setSelected(true);
                }
            });
        }
        notifications.disableProperty().bind(model.openConversationProperty().isNull());
        var closeOrLeave = item("Close or leave", "Shortcut+W", model::closeOrLeaveOpen);
        closeOrLeave.disableProperty().bind(model.openConversationProperty().isNull());
        var conversation = new Menu("Conversation", null,
                item("Quick switch…", "Shortcut+K", this::quickSwitch),
                item("Previous", "Shortcut+Page Up", () -> model.openNeighbour(-1)),
                item("Next", "Shortcut+Page Down", () -> model.openNeighbour(1)),
                new SeparatorMenuItem(),
                item("Find…", "Shortcut+F", this::openFind),
                item("Jump to new messages", "Shortcut+J", log::jumpToMarker),
                item("Clear window", null, model::clearOpen),
                notifications,
                new SeparatorMenuItem(),
                closeOrLeave);

        var help = new Menu("Help", null,
                item("Commands", "F1", this::showCommands),
                item("About Parley", null, this::showAbout));
        return new MenuBar(server, view, conversation, help);
    }

    /** A menu of radio items, one per value, kept in step with the property both ways. */
    private static <T> Menu choices(String text, T[] values, java.util.function.Function<T, String> label,
                                    javafx.beans.property.ObjectProperty<T> property) {
        var group = new ToggleGroup();
        var menu = new Menu(text);
        for (T value : values) {
            var choice = new RadioMenuItem(label.apply(value));
            choice.setToggleGroup(group);
            choice.setSelected(property.get() == value);
            choice.setOnAction(event -> property.set(value));
            property.addListener((observable, old, now) -> choice.setSelected(now == value));
            menu.getItems().add(choice);
        }
        return menu;
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        var item = new MenuItem(text);
        if (accelerator != null) {
            item.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        item.setOnAction(event -> action.run());
        return item;
    }

    // --- find

    private HBox findBar() {
        findField.setId(FIND_FIELD);
        findField.setPromptText("find in this conversation");
        findField.setPrefColumnCount(24);
        log.queryProperty().bind(findField.textProperty());
        findField.addEventFilter(KeyEvent.KEY_PRESSED, event -> {
            if (event.getCode() == KeyCode.ENTER) {
                log.step(event.isShiftDown() ? -1 : 1);
                event.consume();
            } else if (event.getCode() == KeyCode.ESCAPE) {
                closeFind();
                event.consume();
            }
        });
        var count = new Label();
        count.setId(FIND_COUNT);
        count.textProperty().bind(Bindings.createStringBinding(() -> {
            int total = log.matchCountProperty().get();
            if (findField.getText().isEmpty()) {
                return "";
            }
            return total == 0 ? "no matches" : (log.currentMatchProperty().get() + 1) + " of " + total;
        }, log.matchCountProperty(), log.currentMatchProperty(), findField.textProperty()));
        var previous = new Button("↑");
        previous.setOnAction(event -> log.step(-1));
        var next = new Button("↓");
        next.setOnAction(event -> log.step(1));
        var close = new Button("✕");
        close.setId(FIND_CLOSE);
        close.setTooltip(new javafx.scene.control.Tooltip("Close (Esc)"));
        close.setOnAction(event -> closeFind());
        var label = new Label("Find");
        label.setMinWidth(Region.USE_PREF_SIZE);
        count.setMinWidth(Region.USE_PREF_SIZE);
        findField.setMinWidth(80);
        HBox.setHgrow(findField, Priority.ALWAYS);
        var bar = new HBox(6, label, findField, previous, next, count, close);
        bar.setId(FIND_BAR);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 8, 6, 8));
        bar.getStyleClass().add("find-bar");
        bar.setVisible(false);
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }

    private void openFind() {
        findBar.setVisible(true);
        findField.requestFocus();
        findField.selectAll();
    }

    private void closeFind() {
        findField.clear();
        findBar.setVisible(false);
        log.scrollToEnd();
        input.draft().requestFocus();
    }

    // --- dialogs

    /** Ctrl+K: type to filter the conversations, Enter opens the first. */
    private void quickSwitch() {
        var filter = new TextField();
        filter.setPromptText("type part of a name");
        var filtered = new FilteredList<>(model.conversations());
        filter.textProperty().addListener((observable, old, text) -> filtered.setPredicate(conversation ->
                conversation.name().toLowerCase(Locale.ROOT).contains(text.strip().toLowerCase(Locale.ROOT))));
        var list = new ListView<>(filtered);
        list.setPrefHeight(220);
        list.setCellFactory(view -> new ListCell<>() {
            @Override
            protected void updateItem(ConversationViewModel conversation, boolean empty) {
                super.updateItem(conversation, empty);
                setText(empty || conversation == null ? null : (conversation.isRoom() ? "# " : "@ ") + conversation.name());
            }
        });
        var dialog = new Dialog<ConversationViewModel>();
        dialog.setTitle("Go to a conversation");
        dialog.initOwner(root.getScene().getWindow());
        dialog.getDialogPane().setContent(new VBox(6, filter, list));
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.setResultConverter(button -> {
            if (button != ButtonType.OK) {
                return null;
            }
            ConversationViewModel chosen = list.getSelectionModel().getSelectedItem();
            return chosen != null ? chosen : filtered.isEmpty() ? null : filtered.get(0);
        });
        list.setOnMouseClicked(event -> {
            if (event.getClickCount() == 2) {
                dialog.setResult(list.getSelectionModel().getSelectedItem());
                dialog.close();
            }
        });
        Platform.runLater(filter::requestFocus);
        dialog.showAndWait().ifPresent(chosen -> model.openConversationProperty().set(chosen));
    }

    /** Words besides your nickname that count as mentions, separated by commas or spaces. */
    private void editHighlightWords() {
        var dialog = new javafx.scene.control.TextInputDialog(String.join(", ", model.highlightWords()));
        dialog.setTitle("Highlight words");
        dialog.setHeaderText("Lines with these words count as mentions (your nickname always does)");
        dialog.setContentText("Words:");
        dialog.initOwner(root.getScene().getWindow());
        dialog.showAndWait().ifPresent(text -> model.highlightWords().setAll(java.util.Arrays.stream(text.split("[,\\s]+"))
                .map(String::strip).filter(word -> !word.isEmpty()).distinct().toList()));
    }

    private void showCommands() {
        var alert = new Alert(Alert.AlertType.INFORMATION, String.join("\n", model.input().commandHelp()), ButtonType.OK);
        alert.setTitle("Commands");
        alert.setHeaderText("Type these in the input; Tab completes names and commands");
        alert.initOwner(root.getScene().getWindow());
        alert.show();
    }

    private void showAbout() {
        String version = ChatView.class.getPackage().getImplementationVersion();
        var alert = new Alert(Alert.AlertType.INFORMATION, String.format(Locale.ROOT,
                "Parley %s, protocol v1%nJava %s (%s)%nJavaFX %s%nThemes: AtlantaFX Primer",
                version == null ? "(development build)" : version, System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("javafx.runtime.version", "?")), ButtonType.OK);
        alert.setTitle("About Parley");
        alert.setHeaderText("Parley — a small chat system");
        alert.initOwner(root.getScene().getWindow());
        alert.show();
    }
}
