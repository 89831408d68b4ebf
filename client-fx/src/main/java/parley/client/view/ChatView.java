package parley.client.view;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import parley.client.connection.ConnectionState;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.LogLine;
import parley.client.viewmodel.Recipient;
import parley.protocol.ServerEvent;

import java.io.File;
import java.time.ZoneId;
import java.util.List;

/** The chat window's controls, built in code and bound to a {@link ChatViewModel}. Create on the FX thread. */
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
    public static final String RECONNECT_NOW = "reconnectNow";
    public static final String ROOMS = "rooms";
    public static final String ROOM_TO_JOIN = "roomToJoin";
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String SERVER_ROOMS = "serverRooms";
    public static final String REFRESH_ROOMS = "refreshRooms";
    public static final String LOG = "log";
    public static final String RECIPIENT = "recipient";
    public static final String DRAFT = "draft";
    public static final String SEND = "send";
    public static final String STYLESHEET = "/parley/client/view/parley.css";

    private final ChatViewModel model;
    private final ZoneId zone;
    private final BorderPane root = new BorderPane();

    public ChatView(ChatViewModel model, ZoneId zone) {
        this.model = model;
        this.zone = zone;
        root.getStyleClass().add("parley");
        root.setTop(connectionBar());
        root.setLeft(roomsPane());
        root.setCenter(logView());
        root.setBottom(composer());
    }

    public Parent root() {
        return root;
    }

    private Region connectionBar() {
        var active = Bindings.createBooleanBinding(
                () -> model.stateProperty().get() == ConnectionState.CONNECTED
                        || model.stateProperty().get() == ConnectionState.CONNECTING
                        || model.reconnectingProperty().get(), model.stateProperty(), model.reconnectingProperty());
        var connected = model.stateProperty().isEqualTo(ConnectionState.CONNECTED);

        var host = field(HOST, "server host", 10);
        host.textProperty().bindBidirectional(model.hostProperty());
        host.disableProperty().bind(active);
        host.setOnAction(event -> model.connect());

        var port = field(PORT, "port", 5);
        port.textProperty().bindBidirectional(model.portProperty());
        port.disableProperty().bind(active);
        port.setOnAction(event -> model.connect());

        var nickname = field(NICKNAME, "nickname (optional)", 10);
        // The bar gives way from the status label alone (an HBox short of room shrinks every child): a host or
        // port cut to a few characters would mislead, just when a failure asks for them to be corrected.
        for (TextField field : List.of(host, port, nickname)) {
            field.setMinWidth(Region.USE_PREF_SIZE);
        }
        nickname.textProperty().bindBidirectional(model.nicknameProperty());
        nickname.setOnAction(event -> {
            if (connected.get()) {
                model.rename();
            } else {
                model.connect();
            }
        });

        var connect = new Button();
        connect.setId(CONNECT);
        connect.textProperty().bind(Bindings.when(active).then("Disconnect").otherwise("Connect"));
        connect.disableProperty().bind(active.not().and(model.canConnectProperty().not()));
        connect.setDefaultButton(false);
        connect.setOnAction(event -> {
            if (active.get()) {
                model.disconnect();
            } else {
                model.connect();
            }
        });

        var reconnectNow = new Button("Reconnect now");
        reconnectNow.setId(RECONNECT_NOW);
        reconnectNow.visibleProperty().bind(model.reconnectingProperty());
        reconnectNow.managedProperty().bind(reconnectNow.visibleProperty());
        reconnectNow.setMinWidth(Region.USE_PREF_SIZE);
        reconnectNow.setOnAction(event -> model.reconnectNow());

        var status = new Label();
        status.setId(STATUS);
        status.textProperty().bind(model.statusProperty());
        status.getStyleClass().add("status");
        // A narrow window cuts the status short; the whole text is one hover away.
        var statusTip = new Tooltip();
        statusTip.textProperty().bind(model.statusProperty());
        status.setTooltip(statusTip);
        model.stateProperty().addListener((observable, old, state) -> {
            status.getStyleClass().removeAll("failed", "connected");
            if (state == ConnectionState.FAILED || state == ConnectionState.REFUSED) {
                status.getStyleClass().add("failed");
            } else if (state == ConnectionState.CONNECTED) {
                status.getStyleClass().add("connected");
            }
        });

        var nickError = new Label();
        nickError.setId(NICK_ERROR);
        nickError.textProperty().bind(model.nickErrorProperty());
        nickError.getStyleClass().add("nick-error");

        connect.setMinWidth(Region.USE_PREF_SIZE);
        status.setMinWidth(0);
        HBox.setHgrow(status, Priority.ALWAYS);
        var secure = new CheckBox("Secure (TLS)");
        secure.setId(SECURE);
        secure.selectedProperty().bindBidirectional(model.secureProperty());
        secure.disableProperty().bind(active);
        secure.setMinWidth(Region.USE_PREF_SIZE);

        var certificate = new Button("Certificate…");
        certificate.setId(CLIENT_CERTIFICATE);
        certificate.setMinWidth(Region.USE_PREF_SIZE);
        certificate.disableProperty().bind(active.or(model.secureProperty().not()));
        var certificateTip = new Tooltip();
        certificateTip.textProperty().bind(model.clientCertificateProperty().map(subject -> subject.isEmpty()
                ? "Choose a client certificate (PKCS#12) for servers that ask for one" : "Client certificate: " + subject));
        certificate.setTooltip(certificateTip);
        certificate.setOnAction(event -> chooseClientCertificate());

        var bar = new HBox(8, label("Host"), host, label("Port"), port, secure, certificate, label("Nickname"), nickname,
                nickError, connect, reconnectNow, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8));
        bar.getStyleClass().add("connection-bar");
        return new VBox(bar, passwordBar(), certificateBar());
    }

    /** Asks for a PKCS#12 file and its password, and hands both to the view model. */
    private void chooseClientCertificate() {
        var chooser = new FileChooser();
        chooser.setTitle("Client certificate");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("PKCS#12 (*.p12, *.pfx)", "*.p12", "*.pfx"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File file = chooser.showOpenDialog(root.getScene().getWindow());
        if (file == null) {
            return;
        }
        var password = new PasswordField();
        password.setPromptText("password of " + file.getName());
        var dialog = new Dialog<char[]>();
        dialog.setTitle("Client certificate");
        dialog.setHeaderText("Password of " + file.getName());
        dialog.getDialogPane().setContent(password);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.setResultConverter(button -> button == ButtonType.OK ? password.getText().toCharArray() : null);
        Platform.runLater(password::requestFocus);
        dialog.showAndWait().ifPresent(secret -> model.useClientCertificate(file.toPath(), secret));
    }

    /** Shown when the server asks for its password. */
    private Region passwordBar() {
        var password = new PasswordField();
        password.setId(PASSWORD);
        password.setPromptText("server password");
        password.textProperty().bindBidirectional(model.passwordProperty());
        password.setOnAction(event -> model.submitPassword());
        var signIn = new Button("Sign in");
        signIn.setId(SIGN_IN);
        signIn.setOnAction(event -> model.submitPassword());
        var question = label("");
        question.textProperty().bind(Bindings.when(model.secureProperty())
                .then("This server has a password:")
                .otherwise("This server has a password (not encrypted without Secure: others on the network can read it):"));
        var bar = new HBox(8, question, password, signIn);
        bar.setId(PASSWORD_BAR);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(0, 8, 8, 8));
        bar.visibleProperty().bind(model.passwordRequestedProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        model.passwordRequestedProperty().addListener((observable, was, asked) -> {
            if (asked) {
                Platform.runLater(password::requestFocus);
            }
        });
        return bar;
    }

    /** Shown when the server's certificate is not trusted: what is wrong, its fingerprint, and the user's choice. */
    private Region certificateBar() {
        var message = new Label();
        message.setId(CERTIFICATE_MESSAGE);
        message.setWrapText(true);
        var trust = new Button();
        trust.setId(TRUST_CERTIFICATE);
        trust.setOnAction(event -> model.trustCertificate());
        var distrust = new Button("Don't connect");
        distrust.setId(DISTRUST_CERTIFICATE);
        distrust.setOnAction(event -> model.distrustCertificate());
        distrust.setDefaultButton(true);
        var buttons = new HBox(8, trust, distrust);
        var bar = new VBox(6, message, buttons);
        bar.setId(CERTIFICATE_BAR);
        bar.setPadding(new Insets(8));
        bar.getStyleClass().add("certificate-bar");
        bar.visibleProperty().bind(model.certificateProblemProperty().isNotNull());
        bar.managedProperty().bind(bar.visibleProperty());
        model.certificateProblemProperty().addListener((observable, old, problem) -> {
            bar.getStyleClass().remove("changed");
            if (problem == null) {
                return;
            }
            if (problem.changed()) {
                bar.getStyleClass().add("changed");
                message.setText("WARNING: the certificate of " + problem.server() + " has CHANGED since you trusted it."
                        + " Someone may be intercepting the connection. Do not trust the new one unless the server's"
                        + " operator told you it changed.\nTrusted before: " + problem.trustedFingerprint()
                        + "\nPresented now: " + problem.fingerprint() + "\n(" + problem.reason() + ")");
                trust.setText("Trust the new certificate");
            } else {
                message.setText("The certificate of " + problem.server() + " is not trusted: " + problem.reason()
                        + ".\nSHA-256 fingerprint: " + problem.fingerprint()
                        + "\nCompare it with the one the server's operator gave you before trusting it.");
                trust.setText("Trust this certificate");
            }
        });
        return bar;
    }

    private Region roomsPane() {
        var connected = model.stateProperty().isEqualTo(ConnectionState.CONNECTED);

        ListView<String> rooms = new ListView<>(model.joinedRooms());
        rooms.setId(ROOMS);
        rooms.setPrefHeight(140);
        rooms.setMinHeight(90);
        rooms.getSelectionModel().selectedItemProperty().addListener((observable, old, room) -> {
            if (room != null) {
                model.currentRoomProperty().set(room);
            }
        });
        model.currentRoomProperty().addListener((observable, old, room) -> rooms.getSelectionModel().select(room));

        var roomToJoin = field(ROOM_TO_JOIN, "room name", 10);
        roomToJoin.textProperty().bindBidirectional(model.roomToJoinProperty());
        roomToJoin.setOnAction(event -> model.join());
        roomToJoin.disableProperty().bind(connected.not());
        var join = new Button("Join");
        join.setId(JOIN);
        join.disableProperty().bind(connected.not().or(model.roomToJoinProperty().isEmpty()));
        join.setOnAction(event -> model.join());

        var leave = new Button("Leave room");
        leave.setId(LEAVE);
        leave.setMaxWidth(Double.MAX_VALUE);
        leave.disableProperty().bind(connected.not().or(model.currentRoomProperty().isNull()));
        leave.setOnAction(event -> model.leaveCurrentRoom());

        ListView<ServerEvent.RoomInfo> serverRooms = new ListView<>(model.serverRooms());
        serverRooms.setId(SERVER_ROOMS);
        serverRooms.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(ServerEvent.RoomInfo room, boolean empty) {
                super.updateItem(room, empty);
                setText(empty || room == null ? null
                        : room.name() + "  (" + room.members() + (room.members() == 1 ? " person)" : " people)"));
            }
        });
        serverRooms.setOnMouseClicked(event -> {
            ServerEvent.RoomInfo chosen = serverRooms.getSelectionModel().getSelectedItem();
            if (event.getClickCount() == 2 && chosen != null) {
                model.join(chosen.name());
            }
        });
        VBox.setVgrow(serverRooms, Priority.ALWAYS);
        var refresh = new Button("Refresh list");
        refresh.setId(REFRESH_ROOMS);
        refresh.setMaxWidth(Double.MAX_VALUE);
        refresh.disableProperty().bind(connected.not());
        refresh.setOnAction(event -> model.refreshServerRooms());

        var joinRow = new HBox(4, roomToJoin, join);
        HBox.setHgrow(roomToJoin, Priority.ALWAYS);
        serverRooms.setPlaceholder(new Label("No rooms listed"));
        serverRooms.setTooltip(new Tooltip("Double-click a room to join it"));
        var pane = new VBox(6, heading("Your rooms"), rooms, joinRow, leave,
                heading("All rooms on the server"), serverRooms, refresh);
        pane.setPadding(new Insets(0, 8, 8, 8));
        pane.setPrefWidth(230);
        pane.getStyleClass().add("rooms-pane");
        return pane;
    }

    private Region logView() {
        ListView<LogLine> log = new ListView<>();
        log.setId(LOG);
        log.itemsProperty().bind(model.logProperty());
        log.setCellFactory(list -> new LogCell(zone));
        log.setFocusTraversable(false);
        followNewestLines(log);
        var pane = new VBox(log);
        VBox.setVgrow(log, Priority.ALWAYS);
        pane.setPadding(new Insets(0, 8, 8, 0));
        return pane;
    }

    private Region composer() {
        ComboBox<Recipient> recipient = new ComboBox<>(model.recipients());
        recipient.setId(RECIPIENT);
        recipient.valueProperty().bindBidirectional(model.recipientProperty());
        recipient.setConverter(new StringConverter<>() {
            @Override
            public String toString(Recipient choice) {
                return choice == null ? "" : choice.label(model.currentRoomProperty().get());
            }

            @Override
            public Recipient fromString(String text) {
                return null;
            }
        });
        recipient.setPrefWidth(200);
        recipient.disableProperty().bind(model.stateProperty().isNotEqualTo(ConnectionState.CONNECTED));

        var draft = field(DRAFT, "type a message, Enter sends", 30);
        draft.textProperty().bindBidirectional(model.draftProperty());
        draft.setOnAction(event -> model.send());
        draft.getStyleClass().add("draft");
        model.recipientProperty().addListener((observable, old, choice) -> {
            draft.getStyleClass().remove("whispering");
            if (choice != null && !choice.isEveryone()) {
                draft.getStyleClass().add("whispering");
            }
        });

        var send = new Button("Send");
        send.setId(SEND);
        send.disableProperty().bind(model.canSendProperty().not());
        send.setOnAction(event -> model.send());
        // Once connected, the cursor belongs where people type.
        model.stateProperty().addListener((observable, old, state) -> {
            if (state == ConnectionState.CONNECTED) {
                draft.requestFocus();
            }
        });

        var bar = new HBox(8, new Label("To"), recipient, draft, send);
        HBox.setHgrow(draft, Priority.ALWAYS);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(0, 8, 8, 8));
        return bar;
    }

    /** Keeps the newest line in sight unless the user has scrolled up to read older ones. */
    private static void followNewestLines(ListView<LogLine> log) {
        ListChangeListener<LogLine> follow = change -> {
            int added = 0;
            while (change.next()) {
                added += change.getAddedSize();
            }
            int size = change.getList().size();
            if (added > 0 && isShowing(log, size - added - 1)) {
                log.scrollTo(size - 1);
            }
        };
        log.itemsProperty().addListener((observable, old, items) -> {
            if (old != null) {
                old.removeListener(follow);
            }
            if (items != null) {
                items.addListener(follow);
                log.scrollTo(Math.max(0, items.size() - 1));
            }
        });
        ObservableList<LogLine> first = log.getItems();
        if (first != null) {
            first.addListener(follow);
        }
    }

    private static boolean isShowing(ListView<?> list, int index) {
        if (index < 0 || !(list.lookup(".virtual-flow") instanceof VirtualFlow<?> flow)
                || flow.getLastVisibleCell() == null) {
            return true;
        }
        return flow.getLastVisibleCell().getIndex() >= index;
    }

    private static TextField field(String id, String prompt, int columns) {
        var field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefColumnCount(columns);
        return field;
    }

    private static Label label(String text) {
        var label = new Label(text);
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }

    private static Label heading(String text) {
        var label = new Label(text);
        label.getStyleClass().add("heading");
        return label;
    }

    /** Renders one log line with a style class per kind, so whispers and system lines stand apart. */
    private static final class LogCell extends ListCell<LogLine> {
        private static final String[] KIND_CLASSES = {"message", "whisper", "system", "error"};
        private final ZoneId zone;

        LogCell(ZoneId zone) {
            this.zone = zone;
            setWrapText(true);
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(LogLine line, boolean empty) {
            super.updateItem(line, empty);
            getStyleClass().removeAll(KIND_CLASSES);
            if (empty || line == null) {
                setText(null);
                return;
            }
            setText(line.render(zone));
            getStyleClass().add(switch (line.kind()) {
                case MESSAGE -> "message";
                case WHISPER_FROM, WHISPER_TO -> "whisper";
                case SYSTEM -> "system";
                case ERROR -> "error";
            });
        }
    }
}
