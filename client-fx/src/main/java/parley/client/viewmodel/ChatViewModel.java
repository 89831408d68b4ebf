package parley.client.viewmodel;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import parley.client.connection.CertificateProblem;
import parley.client.connection.ChatConnection;
import parley.client.connection.ServerTrust;
import parley.client.connection.ConnectionState;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The state of one client window and the commands it offers, free of controls. Every property and list is
 * owned by the FX thread: call commands there, and give the constructor an executor that runs on it
 * ({@code Platform::runLater} in the app, {@code Runnable::run} in tests); connection events are moved onto it.
 */
public final class ChatViewModel {
    /** Lines kept per room; older ones are dropped so that a busy room cannot exhaust memory. */
    public static final int MAX_LOG_LINES = 20_000;
    private static final String NICK_CLAIM_REF = "nick";
    private static final int MAX_REMEMBERED_WHISPERS = 1_000;

    // --- inputs
    private final StringProperty host = new SimpleStringProperty(Settings.DEFAULT_HOST);
    private final StringProperty port = new SimpleStringProperty(String.valueOf(Settings.DEFAULT_PORT));
    private final StringProperty nickname = new SimpleStringProperty("");
    private final StringProperty draft = new SimpleStringProperty("");
    private final StringProperty roomToJoin = new SimpleStringProperty("");
    private final ObjectProperty<Recipient> recipient = new SimpleObjectProperty<>(Recipient.EVERYONE);
    private final ObjectProperty<String> currentRoom = new SimpleObjectProperty<>();
    private final BooleanProperty secure = new SimpleBooleanProperty(false);
    private final StringProperty password = new SimpleStringProperty("");

    // --- outputs
    private final ReadOnlyObjectWrapper<ConnectionState> state = new ReadOnlyObjectWrapper<>(ConnectionState.DISCONNECTED);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Disconnected");
    private final ReadOnlyStringWrapper nickError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper myNick = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper reconnecting = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<CertificateProblem> certificateProblem = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper passwordRequested = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper clientCertificate = new ReadOnlyStringWrapper("");
    private final ObservableList<String> joinedRooms = FXCollections.observableArrayList();
    private final ObservableList<Recipient> recipients = FXCollections.observableArrayList(Recipient.EVERYONE);
    private final ObservableList<ServerEvent.RoomInfo> serverRooms = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<ObservableList<LogLine>> log = new ReadOnlyObjectWrapper<>();
    private final ObservableList<String> joinedRoomsView = FXCollections.unmodifiableObservableList(joinedRooms);
    private final ObservableList<Recipient> recipientsView = FXCollections.unmodifiableObservableList(recipients);
    private final ObservableList<ServerEvent.RoomInfo> serverRoomsView = FXCollections.unmodifiableObservableList(serverRooms);

    // --- derived
    private final BooleanBinding canConnect;
    private final BooleanBinding canSend;

    // --- internal state
    private final ChatConnection connection;
    private final Settings.Store settingsStore;
    private final ServerTrust trust;
    /** The password given for this server in this session, sent again when reconnecting; empty when none. */
    private String givenPassword = "";
    private final Clock clock;
    private final String initialRoom;
    private final Scheduler scheduler;
    private final Backoff backoff;
    /** Logs by room name; the entry under null holds lines shown while no room is open. */
    private final Map<String, ObservableList<LogLine>> logs = new HashMap<>();
    private final Map<String, List<String>> membersByRoom = new LinkedHashMap<>();
    private final Map<String, Long> lastMessageIdByRoom = new HashMap<>();
    private final Set<String> seenWhisperIds = new LinkedHashSet<>();
    /** Texts sent but not yet acknowledged, by ref: restored to the input if the server refuses them. */
    private final Map<String, String> unconfirmedDrafts = new LinkedHashMap<>();
    private String claimedNick = "";
    private int nextRef;
    /** The session's resume token from the last welcome, or null before the first one. */
    private String resumeToken;
    /** True from connect() until disconnect() or a do-not-reconnect close: connection losses are repaired. */
    private boolean wantConnected;
    private int reconnectAttempt;
    private Runnable cancelReconnect = () -> { };

    public ChatViewModel(ChatConnection connection, Executor fxThread, Settings.Store settingsStore,
                         ServerTrust trust, Clock clock, String initialRoom, Scheduler scheduler, Backoff backoff) {
        this.connection = connection;
        this.settingsStore = settingsStore;
        this.trust = trust;
        this.clock = clock;
        this.initialRoom = initialRoom;
        this.scheduler = scheduler;
        this.backoff = backoff;
        Settings settings = settingsStore.load();
        host.set(settings.host());
        port.set(String.valueOf(settings.port()));
        nickname.set(settings.nick());
        secure.set(settings.secure());
        clientCertificate.set(trust.clientCertificateName() == null ? "" : trust.clientCertificateName());
        log.set(logFor(null));

        canConnect = Bindings.createBooleanBinding(
                () -> !isActive() && !reconnecting.get() && !host.get().isBlank() && parsePort(port.get()) > 0,
                state, reconnecting, host, port);
        canSend = Bindings.createBooleanBinding(
                () -> state.get() == ConnectionState.CONNECTED && !draft.get().isBlank()
                        && (currentRoom.get() != null || !recipient.get().isEveryone()),
                state, draft, currentRoom, recipient);

        currentRoom.addListener((observable, old, room) -> {
            log.set(logFor(room));
            refreshRecipients();
        });
        myNick.addListener((observable, old, nick) -> {
            if (state.get() == ConnectionState.CONNECTED) {
                status.set("Connected as " + nick);
            }
        });
        connection.setListener(new ChatConnection.Listener() {
            @Override
            public void onEvent(ServerEvent event) {
                fxThread.execute(() -> handle(event));
            }

            @Override
            public void onStateChanged(ConnectionState newState, String detail) {
                fxThread.execute(() -> changeState(newState, detail));
            }

            @Override
            public void onCertificateProblem(CertificateProblem problem) {
                fxThread.execute(() -> certificateProblem.set(problem));
            }
        });
    }

    // --- commands

    /** Connects with the host, port and nickname entered; the nickname is claimed once the server welcomes us. */
    public void connect() {
        takeUrlApart();
        if (!canConnect.get()) {
            return;
        }
        claimedNick = nickname.get().strip();
        nickError.set("");
        certificateProblem.set(null);
        // A password is only ever sent again to the server it was given to, on reconnects.
        givenPassword = "";
        int portNumber = parsePort(port.get());
        settingsStore.save(new Settings(host.get().strip(), portNumber, claimedNick, secure.get()));
        wantConnected = true;
        resumeToken = null;
        reconnectAttempt = 0;
        connection.connect(host.get().strip(), portNumber, secure.get(), null);
    }

    /** A {@code ws://} or {@code wss://} URL typed as the host fills host, port and the TLS choice. */
    private void takeUrlApart() {
        String typed = host.get().strip();
        String lower = typed.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("ws://") && !lower.startsWith("wss://")) {
            return;
        }
        try {
            URI uri = new URI(typed);
            boolean tls = lower.startsWith("wss://");
            if (uri.getHost() == null) {
                return;
            }
            secure.set(tls);
            host.set(uri.getHost());
            port.set(String.valueOf(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80));
        } catch (URISyntaxException e) {
            // Left as typed: the connection reports the host as invalid.
        }
    }

    /** Trusts the certificate the server presented, for this host and port from now on, and connects again. */
    public void trustCertificate() {
        CertificateProblem problem = certificateProblem.get();
        if (problem == null) {
            return;
        }
        trust.pins().pin(problem.host().toLowerCase(Locale.ROOT) + ":" + problem.port(), problem.fingerprint());
        certificateProblem.set(null);
        addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "You trust the certificate of " + problem.server()
                + " (SHA-256 " + problem.fingerprint() + ")");
        if (resumeToken != null) {
            wantConnected = true;
            connection.connect(problem.host(), problem.port(), true, resumeToken);
        } else {
            connect();
        }
    }

    /** Does not trust the certificate: stays offline. */
    public void distrustCertificate() {
        CertificateProblem problem = certificateProblem.get();
        certificateProblem.set(null);
        if (problem != null) {
            status.set("Offline: the certificate of " + problem.server() + " is not trusted");
        }
    }

    /** Presents this PKCS#12 client certificate from the next connection on; says in the log whether it worked. */
    public void useClientCertificate(Path pkcs12, char[] password) {
        try {
            String subject = trust.useClientCertificate(pkcs12, password);
            clientCertificate.set(subject);
            addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "Client certificate " + subject + " ("
                    + pkcs12.getFileName() + ") is used from the next connection on");
        } catch (IOException | GeneralSecurityException e) {
            addLine(currentRoom.get(), LogLine.Kind.ERROR, null, "Cannot use " + pkcs12.getFileName()
                    + " as a client certificate (wrong password, or not a PKCS#12 file): " + e.getMessage());
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** Gives the server the password it asked for. */
    public void submitPassword() {
        if (!passwordRequested.get() || password.get().isEmpty()) {
            return;
        }
        givenPassword = password.get();
        password.set("");
        passwordRequested.set(false);
        status.set("Checking the password…");
        connection.send(new ClientEvent.Auth(givenPassword, null));
    }

    /** Disconnects, or stops trying to reconnect. */
    public void disconnect() {
        wantConnected = false;
        stopReconnecting();
        connection.close();
    }

    /** Skips the wait before the next reconnect attempt. */
    public void reconnectNow() {
        if (!reconnecting.get()) {
            return;
        }
        cancelReconnect.run();
        connection.connect(host.get().strip(), parsePort(port.get()), secure.get(), resumeToken);
    }

    /** Sends the draft to the current room, or as a whisper when a person is chosen. */
    public void send() {
        if (!canSend.get()) {
            return;
        }
        String text = draft.get();
        String ref = newRef("m");
        Recipient to = recipient.get();
        connection.send(to.isEveryone()
                ? new ClientEvent.Say(currentRoom.get(), text, ref)
                : new ClientEvent.Whisper(to.nick(), text, ref));
        unconfirmedDrafts.put(ref, text);
        draft.set("");
    }

    /** Asks for the nickname in the field; the field returns to the current one if the server refuses. */
    public void rename() {
        String wanted = nickname.get().strip();
        if (state.get() != ConnectionState.CONNECTED || wanted.equals(myNick.get())) {
            return;
        }
        nickError.set("");
        claimedNick = wanted;
        connection.send(new ClientEvent.Nick(wanted, NICK_CLAIM_REF));
    }

    /** Joins the room named in the join field. */
    public void join() {
        String room = roomToJoin.get().strip();
        if (state.get() == ConnectionState.CONNECTED && !room.isEmpty()) {
            connection.send(new ClientEvent.Join(room, newRef("j")));
            roomToJoin.set("");
        }
    }

    /** Joins a room chosen from the server's room list. */
    public void join(String room) {
        roomToJoin.set(room);
        join();
    }

    /** Leaves the room that is open. */
    public void leaveCurrentRoom() {
        String room = currentRoom.get();
        if (state.get() == ConnectionState.CONNECTED && room != null) {
            connection.send(new ClientEvent.Leave(room, newRef("l")));
        }
    }

    /** Asks the server for its room list; it arrives in {@link #serverRooms()}. */
    public void refreshServerRooms() {
        if (state.get() == ConnectionState.CONNECTED) {
            connection.send(new ClientEvent.Rooms(null));
        }
    }

    // --- what the connection reports

    private void changeState(ConnectionState newState, String detail) {
        state.set(newState);
        switch (newState) {
            case CONNECTING -> status.set(reconnecting.get()
                    ? "Reconnecting to " + where() + " (attempt " + reconnectAttempt + ")…"
                    : "Connecting to " + where() + "…");
            case CONNECTED -> status.set("Connected");
            case DISCONNECTED -> {
                status.set("Disconnected");
                forgetSession("Disconnected.");
            }
            case FAILED -> {
                passwordRequested.set(false);
                if (certificateProblem.get() != null) {
                    // Trying again changes nothing: the user decides (trustCertificate / distrustCertificate).
                    wantConnected = false;
                    stopReconnecting();
                    status.set(certificateProblem.get().changed()
                            ? "Stopped: the certificate of " + certificateProblem.get().server() + " has CHANGED"
                            : "Stopped: the certificate of " + certificateProblem.get().server() + " is not trusted");
                } else if (wantConnected && resumeToken != null) {
                    scheduleReconnect(detail);
                } else {
                    wantConnected = false;
                    status.set("Failed: " + detail);
                    forgetSession("Connection failed: " + detail);
                }
            }
            case REFUSED -> {
                passwordRequested.set(false);
                givenPassword = "";
                wantConnected = false;
                stopReconnecting();
                status.set("Offline: " + detail + "; not reconnecting");
                forgetSession("The server ended the session and asked not to reconnect: " + detail);
            }
        }
    }

    /** After a lost connection: keeps rooms, logs and the draft, and tries again after a growing pause. */
    private void scheduleReconnect(String detail) {
        if (reconnectAttempt == 0) {
            addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "Connection lost: " + detail);
            String unconfirmed = unconfirmedDrafts.values().stream().reduce((first, second) -> second).orElse(null);
            if (unconfirmed != null && draft.get().isEmpty()) {
                // Maybe sent, maybe not: the user decides whether to send it again.
                draft.set(unconfirmed);
            }
            unconfirmedDrafts.clear();
        }
        reconnectAttempt++;
        reconnecting.set(true);
        Duration delay = backoff.delay(reconnectAttempt);
        status.set(String.format(Locale.ROOT, "Reconnecting in %.1f s (attempt %d)", delay.toMillis() / 1000.0,
                reconnectAttempt));
        cancelReconnect = scheduler.schedule(delay, () -> {
            if (wantConnected) {
                connection.connect(host.get().strip(), parsePort(port.get()), secure.get(), resumeToken);
            }
        });
    }

    private void stopReconnecting() {
        cancelReconnect.run();
        cancelReconnect = () -> { };
        reconnecting.set(false);
        reconnectAttempt = 0;
    }

    private String where() {
        return host.get().strip() + ":" + port.get().strip();
    }

    private void handle(ServerEvent event) {
        if (event instanceof ServerEvent.AuthRequired) {
            onAuthRequired();
        } else if (event instanceof ServerEvent.Welcome welcome) {
            onWelcome(welcome);
        } else if (event instanceof ServerEvent.NickChanged change) {
            onNickChanged(change);
        } else if (event instanceof ServerEvent.Joined joined) {
            onJoined(joined);
        } else if (event instanceof ServerEvent.Left left) {
            onLeft(left);
        } else if (event instanceof ServerEvent.Presence presence) {
            onPresence(presence);
        } else if (event instanceof ServerEvent.Message message) {
            onMessage(message);
        } else if (event instanceof ServerEvent.WhisperMessage whisper) {
            onWhisper(whisper);
        } else if (event instanceof ServerEvent.Missed missed) {
            if (membersByRoom.containsKey(missed.room())) {
                noteMissed(missed.room(), missed.count());
            }
        } else if (event instanceof ServerEvent.RoomList list) {
            serverRooms.setAll(list.rooms());
        } else if (event instanceof ServerEvent.Ok ok) {
            unconfirmedDrafts.remove(ok.ref());
        } else if (event instanceof ServerEvent.Error error) {
            onError(error);
        }
    }

    /** The server has a password: the one given earlier in this session is sent again, else the user is asked. */
    private void onAuthRequired() {
        if (!givenPassword.isEmpty()) {
            connection.send(new ClientEvent.Auth(givenPassword, null));
            return;
        }
        passwordRequested.set(true);
        status.set("The server asks for a password");
    }

    private void onWelcome(ServerEvent.Welcome welcome) {
        passwordRequested.set(false);
        boolean wasReconnecting = reconnecting.get();
        stopReconnecting();
        resumeToken = welcome.resume();
        myNick.set(welcome.nick());
        status.set("Connected as " + welcome.nick());
        if (welcome.resumed()) {
            addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "Reconnected: your session resumed");
            List<String> rooms = welcome.rooms() == null ? List.of() : welcome.rooms();
            for (String room : rooms) {
                Long last = lastMessageIdByRoom.get(room);
                connection.send(new ClientEvent.Join(room, last == null ? null : String.valueOf(last), newRef("j")));
            }
            return;
        }
        if (claimedNick.isEmpty() || claimedNick.equals(welcome.nick())) {
            nickname.set(welcome.nick());
        } else {
            connection.send(new ClientEvent.Nick(claimedNick, NICK_CLAIM_REF));
        }
        if (wasReconnecting) {
            addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null,
                    "Reconnected as a new session: the server restarted or forgot this one; rejoining your rooms");
            List<String> rooms = List.copyOf(joinedRooms);
            // Ids of a new session are not comparable with those seen before.
            lastMessageIdByRoom.clear();
            seenWhisperIds.clear();
            membersByRoom.clear();
            for (String room : rooms) {
                connection.send(new ClientEvent.Join(room, newRef("j")));
            }
            if (!rooms.isEmpty()) {
                return;
            }
        }
        if (initialRoom != null && !initialRoom.isBlank()) {
            connection.send(new ClientEvent.Join(initialRoom, newRef("j")));
        } else {
            refreshServerRooms();
        }
    }

    private void onNickChanged(ServerEvent.NickChanged change) {
        if (change.old().equals(myNick.get())) {
            myNick.set(change.newNick());
            nickname.set(change.newNick());
            nickError.set("");
            addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "You are now " + change.newNick());
        }
        membersByRoom.forEach((room, members) -> {
            int index = members.indexOf(change.old());
            if (index >= 0) {
                members.set(index, change.newNick());
                if (!change.newNick().equals(myNick.get())) {
                    addLine(room, LogLine.Kind.SYSTEM, null, change.old() + " is now " + change.newNick());
                }
            }
        });
        if (change.old().equals(recipient.get().nick())) {
            recipient.set(Recipient.person(change.newNick()));
        }
        refreshRecipients();
    }

    private void onJoined(ServerEvent.Joined joined) {
        String room = joined.room();
        membersByRoom.put(room, new ArrayList<>(joined.members()));
        noteMissed(room, joined.missed());
        for (ServerEvent.Message message : joined.history()) {
            onMessage(message);
        }
        if (!joinedRooms.contains(room)) {
            joinedRooms.add(room);
            addLine(room, LogLine.Kind.SYSTEM, null, "You joined " + room);
        }
        currentRoom.set(room);
        refreshRecipients();
        refreshServerRooms();
    }

    private void onLeft(ServerEvent.Left left) {
        String room = left.room();
        membersByRoom.remove(room);
        lastMessageIdByRoom.remove(room);
        logs.remove(room);
        joinedRooms.remove(room);
        if (room.equals(currentRoom.get())) {
            currentRoom.set(joinedRooms.isEmpty() ? null : joinedRooms.get(0));
        }
        addLine(currentRoom.get(), LogLine.Kind.SYSTEM, null, "You left " + room);
        refreshServerRooms();
    }

    private void noteMissed(String room, int count) {
        if (count > 0) {
            addLine(room, LogLine.Kind.SYSTEM, null, count == 1 ? "1 message missed" : count + " messages missed");
        }
    }

    private void onPresence(ServerEvent.Presence presence) {
        List<String> members = membersByRoom.get(presence.room());
        if (members == null) {
            return;
        }
        if (ServerEvent.Presence.JOIN.equals(presence.event())) {
            if (!members.contains(presence.nick())) {
                members.add(presence.nick());
            }
            addLine(presence.room(), LogLine.Kind.SYSTEM, null, presence.nick() + " joined");
        } else {
            members.remove(presence.nick());
            addLine(presence.room(), LogLine.Kind.SYSTEM, null, presence.nick() + " left");
            if (presence.nick().equals(recipient.get().nick()) && presence.room().equals(currentRoom.get())) {
                recipient.set(Recipient.EVERYONE);
                addLine(presence.room(), LogLine.Kind.SYSTEM, null,
                        presence.nick() + " left: messages go to everyone in " + presence.room() + " again");
            }
        }
        updateServerRoomCount(presence.room(), members.size());
        refreshRecipients();
    }

    /** Keeps the room list's count for a room we are in current without asking the server again. */
    private void updateServerRoomCount(String room, int members) {
        for (int i = 0; i < serverRooms.size(); i++) {
            if (serverRooms.get(i).name().equals(room)) {
                serverRooms.set(i, new ServerEvent.RoomInfo(room, members));
            }
        }
    }

    private void onMessage(ServerEvent.Message message) {
        // Ids count up within a room: anything not newer than the last one shown is a repeat (a rejoin's history).
        long id = parseId(message.id());
        Long last = lastMessageIdByRoom.get(message.room());
        if (last != null && id <= last) {
            return;
        }
        lastMessageIdByRoom.put(message.room(), id);
        addLine(message.room(), message.ts(), LogLine.Kind.MESSAGE, message.from(), message.text());
    }

    private void onWhisper(ServerEvent.WhisperMessage whisper) {
        // A resumed session gets recent whispers again; show each once.
        if (!seenWhisperIds.add(whisper.id())) {
            return;
        }
        if (seenWhisperIds.size() > MAX_REMEMBERED_WHISPERS) {
            seenWhisperIds.remove(seenWhisperIds.iterator().next());
        }
        boolean outgoing = whisper.from().equals(myNick.get());
        addLine(currentRoom.get(), whisper.ts(), outgoing ? LogLine.Kind.WHISPER_TO : LogLine.Kind.WHISPER_FROM,
                outgoing ? whisper.to() : whisper.from(), whisper.text());
    }

    private void onError(ServerEvent.Error error) {
        if (NICK_CLAIM_REF.equals(error.ref())) {
            nickError.set(error.message());
            nickname.set(myNick.get());
            return;
        }
        String unsent = unconfirmedDrafts.remove(error.ref());
        if (unsent != null && draft.get().isEmpty()) {
            draft.set(unsent);
        }
        addLine(currentRoom.get(), LogLine.Kind.ERROR, null, error.message());
    }

    // --- helpers

    private void forgetSession(String line) {
        stopReconnecting();
        resumeToken = null;
        myNick.set("");
        membersByRoom.clear();
        lastMessageIdByRoom.clear();
        joinedRooms.clear();
        serverRooms.clear();
        unconfirmedDrafts.clear();
        String room = currentRoom.get();
        addLine(room, LogLine.Kind.SYSTEM, null, line);
        ObservableList<LogLine> lastLog = logFor(room);
        logs.clear();
        logs.put(null, lastLog);
        currentRoom.set(null);
        recipient.set(Recipient.EVERYONE);
    }

    private void refreshRecipients() {
        List<Recipient> choices = new ArrayList<>();
        choices.add(Recipient.EVERYONE);
        List<String> members = new ArrayList<>(membersByRoom.getOrDefault(currentRoom.get(), List.of()));
        members.remove(myNick.get());
        members.sort(String.CASE_INSENSITIVE_ORDER);
        members.forEach(nick -> choices.add(Recipient.person(nick)));
        Recipient chosen = recipient.get();
        recipients.setAll(choices);
        recipient.set(choices.contains(chosen) ? chosen : Recipient.EVERYONE);
    }

    private void addLine(String room, LogLine.Kind kind, String from, String text) {
        addLine(room, clock.millis(), kind, from, text);
    }

    private void addLine(String room, long timestamp, LogLine.Kind kind, String from, String text) {
        ObservableList<LogLine> lines = logFor(room);
        lines.add(new LogLine(kind, timestamp, from, text));
        if (lines.size() > MAX_LOG_LINES) {
            lines.remove(0, lines.size() - MAX_LOG_LINES);
        }
    }

    private ObservableList<LogLine> logFor(String room) {
        return logs.computeIfAbsent(room, r -> FXCollections.observableArrayList());
    }

    private boolean isActive() {
        return state.get() == ConnectionState.CONNECTING || state.get() == ConnectionState.CONNECTED;
    }

    private String newRef(String prefix) {
        return prefix + (++nextRef);
    }

    static int parsePort(String text) {
        try {
            int value = Integer.parseInt(text.strip());
            return value >= 1 && value <= 65_535 ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    // --- properties

    public StringProperty hostProperty() {
        return host;
    }

    /** Whether to connect with TLS ({@code wss://}). */
    public BooleanProperty secureProperty() {
        return secure;
    }

    /** The password being typed, when the server asked for one. */
    public StringProperty passwordProperty() {
        return password;
    }

    /** The subject of the client certificate presented to servers that ask, or empty. */
    public ReadOnlyStringProperty clientCertificateProperty() {
        return clientCertificate.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty passwordRequestedProperty() {
        return passwordRequested.getReadOnlyProperty();
    }

    /** A certificate waiting for the user's decision, or null. */
    public ReadOnlyObjectProperty<CertificateProblem> certificateProblemProperty() {
        return certificateProblem.getReadOnlyProperty();
    }

    public StringProperty portProperty() {
        return port;
    }

    public StringProperty nicknameProperty() {
        return nickname;
    }

    public StringProperty draftProperty() {
        return draft;
    }

    public StringProperty roomToJoinProperty() {
        return roomToJoin;
    }

    public ObjectProperty<Recipient> recipientProperty() {
        return recipient;
    }

    public ObjectProperty<String> currentRoomProperty() {
        return currentRoom;
    }

    public ReadOnlyObjectProperty<ConnectionState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nickErrorProperty() {
        return nickError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty myNickProperty() {
        return myNick.getReadOnlyProperty();
    }

    /** True while the connection is lost and the model is waiting to try again. */
    public ReadOnlyBooleanProperty reconnectingProperty() {
        return reconnecting.getReadOnlyProperty();
    }

    /** The rooms this client is in, in the order it joined them. */
    public ObservableList<String> joinedRooms() {
        return joinedRoomsView;
    }

    /** "Everyone" first, then the other members of the open room, sorted. */
    public ObservableList<Recipient> recipients() {
        return recipientsView;
    }

    /** The server's rooms as last listed. */
    public ObservableList<ServerEvent.RoomInfo> serverRooms() {
        return serverRoomsView;
    }

    /** The log of the room that is open. */
    public ReadOnlyObjectProperty<ObservableList<LogLine>> logProperty() {
        return log.getReadOnlyProperty();
    }

    public BooleanBinding canConnectProperty() {
        return canConnect;
    }

    public BooleanBinding canSendProperty() {
        return canSend;
    }
}
