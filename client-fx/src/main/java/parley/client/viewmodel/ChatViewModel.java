package parley.client.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import parley.client.chat.LogLine;
import parley.client.chat.Mentions;
import parley.client.connection.CertificateProblem;
import parley.client.connection.ChatConnection;
import parley.client.connection.ConnectionState;
import parley.client.connection.ServerTrust;
import parley.client.logs.LogStore;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One client window, free of controls: it reads what the server says into the conversations
 * ({@link ConversationsViewModel}) and keeps the nickname, the rooms and the "To" choice. The connection itself
 * (where to, reconnecting, password, certificates) is the {@link SessionViewModel}'s; the input line (commands,
 * completion, history) is the {@link InputViewModel}'s, whose commands act on this window. Every property and list is owned by the FX thread: call
 * commands there, and give the constructor an executor that runs on it ({@code Platform::runLater} in the app,
 * {@code Runnable::run} in tests); connection events are moved onto it.
 */
public final class ChatViewModel {
    /** Lines kept per conversation. */
    public static final int MAX_LOG_LINES = ConversationViewModel.MAX_LOG_LINES;
    private static final String NICK_CLAIM_REF = "nick";
    private static final int MAX_REMEMBERED_WHISPERS = 1_000;

    // --- inputs
    private final StringProperty nickname = new SimpleStringProperty("");
    private final StringProperty roomToJoin = new SimpleStringProperty("");
    private final ObjectProperty<Recipient> recipient = new SimpleObjectProperty<>(Recipient.EVERYONE);
    private final ObjectProperty<String> currentRoom = new SimpleObjectProperty<>();
    private final ObjectProperty<JoinsAndLeaves> joinsAndLeaves = new SimpleObjectProperty<>(JoinsAndLeaves.SMART);
    private final ObservableList<String> highlightWords = FXCollections.observableArrayList();

    // --- outputs
    private final ReadOnlyStringWrapper nickError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper myNick = new ReadOnlyStringWrapper("");
    private final ObservableList<String> joinedRooms = FXCollections.observableArrayList();
    private final ObservableList<Recipient> recipients = FXCollections.observableArrayList(Recipient.EVERYONE);
    private final ObservableList<ServerEvent.RoomInfo> serverRooms = FXCollections.observableArrayList();
    private final ObservableList<String> joinedRoomsView = FXCollections.unmodifiableObservableList(joinedRooms);
    private final ObservableList<Recipient> recipientsView = FXCollections.unmodifiableObservableList(recipients);
    private final ObservableList<ServerEvent.RoomInfo> serverRoomsView = FXCollections.unmodifiableObservableList(serverRooms);

    // --- internal state
    private final ChatConnection connection;
    private final Executor fxThread;
    private final Clock clock;
    /** Rooms a fresh session joins: --room, or a saved server's rooms. */
    private final ObservableList<String> roomsOnConnect = FXCollections.observableArrayList();
    private final SavedServers savedServers = new SavedServers();
    private final ConversationsViewModel chats;
    private final SessionViewModel session;
    private final InputViewModel input;
    private final ModerationViewModel moderation;
    private Runnable onQuit = () -> { };
    private final Set<String> seenWhisperIds = new LinkedHashSet<>();
    private String claimedNick = "";
    private int nextRef;
    private boolean listRequested;
    private boolean replayingHistory;
    private boolean switching;

    public ChatViewModel(ChatConnection connection, Executor fxThread, Settings.Store settingsStore,
                         ServerTrust trust, Clock clock, String initialRoom, Scheduler scheduler, Backoff backoff) {
        this.connection = connection;
        this.fxThread = fxThread;
        this.clock = clock;
        if (initialRoom != null && !initialRoom.isBlank()) {
            roomsOnConnect.add(initialRoom.strip());
        }
        this.chats = new ConversationsViewModel(fxThread, clock, scheduler);
        this.moderation = new ModerationViewModel(chats, clock, clock.getZone(), this::putOutOf);
        this.session = new SessionViewModel(connection, fxThread, settingsStore, trust, scheduler, backoff, new SessionEvents());
        var open = chats.openProperty();
        nickname.set(settingsStore.load().nick());
        this.input = new InputViewModel(chats, session.connectedProperty(), new Typing());

        open.addListener((observable, old, conversation) -> {
            if (!switching) {
                switching = true;
                currentRoom.set(conversation != null && conversation.isRoom() ? conversation.name() : null);
                switching = false;
            }
            recipient.set(conversation != null && !conversation.isRoom()
                    ? Recipient.person(conversation.name()) : Recipient.EVERYONE);
            refreshRecipients();
        });
        currentRoom.addListener((observable, old, room) -> {
            if (!switching) {
                switching = true;
                ConversationViewModel chosen = room == null ? null : chats.room(room);
                if (chosen != null || room == null) {
                    chats.openProperty().set(chosen);
                }
                switching = false;
            }
        });
        myNick.addListener((observable, old, nick) -> session.connectedAs(nick));
        connection.setListener(new ChatConnection.Listener() {
            @Override
            public void onEvent(ServerEvent event) {
                fxThread.execute(() -> handle(event));
            }

            @Override
            public void onStateChanged(ConnectionState newState, String detail) {
                fxThread.execute(() -> session.changeState(newState, detail));
            }

            @Override
            public void onCertificateProblem(CertificateProblem problem) {
                fxThread.execute(() -> session.certificateProblem(problem));
            }

            @Override
            public void onLatency(Duration roundTrip) {
                fxThread.execute(() -> session.latency(roundTrip));
            }
        });
    }

    /** What the session's course means for the conversations and the input. */
    private final class SessionEvents implements SessionViewModel.Events {
        @Override
        public void connecting(String server) {
            chats.setServer(server);
        }

        @Override
        public void lost(String detail, boolean first) {
            if (first) {
                note("Connection lost: " + detail);
                input.lost();
            }
        }

        @Override
        public void ended(String reason) {
            myNick.set("");
            joinedRooms.clear();
            serverRooms.clear();
            input.forget();
            chats.forget(reason);
            moderation.forget();
            recipient.set(Recipient.EVERYONE);
        }

        @Override
        public void note(String text) {
            ChatViewModel.this.note(text);
        }

        @Override
        public void noteError(String text) {
            ChatViewModel.this.noteError(text);
        }
    }

    /** What the input line's commands do to this window. */
    private final class Typing implements InputViewModel.Window {
        @Override
        public boolean connected() {
            return session.connectedProperty().get();
        }

        @Override
        public void send(ClientEvent event) {
            connection.send(event);
        }

        @Override
        public String newRef(String prefix) {
            return ChatViewModel.this.newRef(prefix);
        }

        @Override
        public String myNick() {
            return myNick.get();
        }

        @Override
        public Recipient recipient() {
            return recipient.get();
        }

        @Override
        public List<String> roomNames() {
            return serverRooms.stream().map(ServerEvent.RoomInfo::name).toList();
        }

        @Override
        public void leave(String room) {
            ChatViewModel.this.leave(room);
        }

        @Override
        public void closeOrLeaveOpen() {
            ChatViewModel.this.closeOrLeaveOpen();
        }

        @Override
        public void openPrivate(String nick) {
            ChatViewModel.this.openPrivate(nick);
        }

        @Override
        public void rename(String nick) {
            nickname.set(nick);
            ChatViewModel.this.rename();
        }

        @Override
        public void listRooms() {
            listRequested = true;
            refreshServerRooms();
        }

        @Override
        public void quit() {
            disconnect();
            onQuit.run();
        }

        @Override
        public boolean supports(String feature) {
            return moderation.supports(feature);
        }

        @Override
        public void note(String text) {
            ChatViewModel.this.note(text);
        }

        @Override
        public void noteError(String text) {
            ChatViewModel.this.noteError(text);
        }
    }

    /** Where desktop notifications go; none until set. */
    public void setNotifier(Notifier notifier) {
        chats.setNotifier(notifier);
    }

    /**
     * Keeps every conversation on disk and shows its last lines when it opens; {@code reader} reads the files
     * (never the FX thread).
     */
    public void setLogStore(LogStore store, Executor reader) {
        chats.setLogStore(store, reader);
    }

    /** Shows a warning of the client's own (for example: the log folder cannot be written) as an error line. */
    public void warn(String text) {
        noteError(text);
    }

    /** Fills host, port, TLS, nickname and the rooms to join from a saved server (it does not connect). */
    public void useServer(SavedServer server) {
        session.hostProperty().set(server.host());
        session.portProperty().set(String.valueOf(server.port()));
        session.secureProperty().set(server.secure());
        nickname.set(server.nick());
        roomsOnConnect.setAll(server.rooms());
    }

    /** What {@code /quit} does after disconnecting (the app closes its window). */
    public void setOnQuit(Runnable onQuit) {
        this.onQuit = onQuit;
    }

    // --- commands

    /** Connects with the host, port and nickname entered; the nickname is claimed once the server welcomes us. */
    public void connect() {
        String wanted = nickname.get().strip();
        if (session.connect(wanted)) {
            claimedNick = wanted;
            nickError.set("");
        }
    }

    /** Trusts the certificate the server presented, for this host and port from now on, and connects again. */
    public void trustCertificate() {
        session.trustCertificate(this::connect);
    }

    /** Disconnects, or stops trying to reconnect. */
    public void disconnect() {
        session.disconnect();
    }

    /** Where slow work (reading files, decrypting keys) runs; the caller's thread until set. */
    public void setBackground(Executor background) {
        session.setBackground(background);
    }

    /** Asks for the nickname in the field; the field returns to the current one if the server refuses. */
    public void rename() {
        String wanted = nickname.get().strip();
        if (!session.connectedProperty().get() || wanted.equals(myNick.get())) {
            return;
        }
        nickError.set("");
        claimedNick = wanted;
        connection.send(new ClientEvent.Nick(wanted, NICK_CLAIM_REF));
    }

    /** Joins the room named in the join field. */
    public void join() {
        String room = roomToJoin.get().strip();
        if (session.connectedProperty().get() && !room.isEmpty()) {
            connection.send(new ClientEvent.Join(room, newRef("j")));
            roomToJoin.set("");
        }
    }

    /** Joins a room chosen from the server's room list. */
    public void join(String room) {
        roomToJoin.set(room);
        join();
    }

    /** Sets (or, with blank text, clears) the open room's topic. */
    public void setTopic(String text) {
        inOpenRoom(room -> new ClientEvent.Topic(room, text.strip(), newRef("t")));
    }

    /** Gives a member of the open room a role ("op", "voice" or "none"): the member list's menu. */
    public void setRole(String nick, String role) {
        inOpenRoom(room -> new ClientEvent.Role(room, nick, role, newRef("r")));
    }

    public void kick(String nick) {
        inOpenRoom(room -> new ClientEvent.Kick(room, nick, null, newRef("r")));
    }

    public void ban(String nick) {
        inOpenRoom(room -> new ClientEvent.Ban(room, nick, null, newRef("r")));
    }

    private void inOpenRoom(java.util.function.Function<String, ClientEvent> request) {
        ConversationViewModel conversation = chats.openProperty().get();
        if (session.connectedProperty().get() && conversation != null && conversation.isRoom()) {
            connection.send(request.apply(conversation.name()));
        }
    }

    /** Leaves the room that is open. */
    public void leaveCurrentRoom() {
        ConversationViewModel conversation = chats.openProperty().get();
        if (conversation != null && conversation.isRoom()) {
            leave(conversation.name());
        }
    }

    private void leave(String room) {
        if (session.connectedProperty().get()) {
            connection.send(new ClientEvent.Leave(room, newRef("l")));
        }
    }

    /** Leaves the open room, or closes the open private conversation until the next whisper (Ctrl+W). */
    public void closeOrLeaveOpen() {
        ConversationViewModel conversation = chats.openProperty().get();
        if (conversation == null) {
            return;
        }
        if (conversation.isRoom()) {
            leave(conversation.name());
            return;
        }
        chats.hide(conversation);
    }

    /** Opens (and shows in the sidebar) the private conversation with this person. */
    public void openPrivate(String nick) {
        if (nick == null || nick.isBlank() || nick.equals(myNick.get())) {
            return;
        }
        chats.openProperty().set(chats.privateConversation(nick.strip(), true));
    }

    /** Opens the conversation before or after the open one in the sidebar (Ctrl+PgUp, Ctrl+PgDn). */
    public void openNeighbour(int step) {
        chats.openNeighbour(step);
    }

    /** Empties the open conversation's window; the log on disk keeps everything. */
    public void clearOpen() {
        chats.clearOpen();
    }

    /** Asks the server for its room list; it arrives in {@link #serverRooms()}. */
    public void refreshServerRooms() {
        if (session.connectedProperty().get()) {
            connection.send(new ClientEvent.Rooms(null));
        }
    }

    // --- what the connection reports

    private void handle(ServerEvent event) {
        if (event instanceof ServerEvent.AuthRequired) {
            session.authRequired();
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
            ConversationViewModel room = chats.room(missed.room());
            if (room != null) {
                noteMissed(room, missed.count());
            }
        } else if (event instanceof ServerEvent.RoomList list) {
            onRoomList(list);
        } else if (event instanceof ServerEvent.Ok ok) {
            onOk(ok);
        } else if (event instanceof ServerEvent.Error error) {
            onError(error);
        } else {
            moderation.handle(event);
        }
    }

    /** An operator put this client out of a room (kick or ban): it is gone as if left. */
    private void putOutOf(String room) {
        joinedRooms.remove(room);
        chats.leaveRoom(room);
        refreshServerRooms();
    }

    private void onWelcome(ServerEvent.Welcome welcome) {
        boolean wasReconnecting = session.welcomed(welcome.resume());
        moderation.welcomed(welcome);
        myNick.set(welcome.nick());
        session.connectedAs(welcome.nick());
        if (welcome.resumed()) {
            note("Reconnected: your session resumed");
            List<String> resumedRooms = welcome.rooms() == null ? List.of() : welcome.rooms();
            for (String room : resumedRooms) {
                ConversationViewModel conversation = chats.room(room);
                long last = conversation == null ? -1 : conversation.lastMessageId;
                connection.send(new ClientEvent.Join(room, last < 0 ? null : String.valueOf(last), newRef("j")));
            }
            return;
        }
        if (claimedNick.isEmpty() || claimedNick.equals(welcome.nick())) {
            nickname.set(welcome.nick());
        } else {
            connection.send(new ClientEvent.Nick(claimedNick, NICK_CLAIM_REF));
        }
        if (wasReconnecting) {
            note("Reconnected as a new session: the server restarted or forgot this one; rejoining your rooms");
            List<String> toRejoin = List.copyOf(joinedRooms);
            // Ids of a new session are not comparable with those seen before.
            chats.rooms().forEach(room -> room.lastMessageId = -1);
            seenWhisperIds.clear();
            for (String room : toRejoin) {
                connection.send(new ClientEvent.Join(room, newRef("j")));
            }
            if (!toRejoin.isEmpty()) {
                return;
            }
        }
        if (roomsOnConnect.isEmpty()) {
            refreshServerRooms();
        }
        for (String room : roomsOnConnect) {
            connection.send(new ClientEvent.Join(room, newRef("j")));
        }
    }

    private void onNickChanged(ServerEvent.NickChanged change) {
        moderation.renamed(change.old(), change.newNick());
        if (change.old().equals(myNick.get())) {
            myNick.set(change.newNick());
            nickname.set(change.newNick());
            nickError.set("");
            note("You are now " + change.newNick());
        }
        for (ConversationViewModel room : chats.rooms()) {
            int index = room.members().indexOf(change.old());
            if (index >= 0) {
                room.members().set(index, change.newNick());
                if (!change.newNick().equals(myNick.get())) {
                    chats.add(room, LogLine.presence(clock.millis(), change.newNick(), change.old() + " is now " + change.newNick(),
                            room.spokeRecently(change.old(), clock.millis())));
                }
            }
        }
        ConversationViewModel conversation = chats.renamePrivate(change.old(), change.newNick());
        if (conversation != null) {
            chats.add(conversation, LogLine.system(clock.millis(), change.old() + " is now " + change.newNick()));
        }
        if (change.old().equals(recipient.get().nick())) {
            recipient.set(Recipient.person(change.newNick()));
        }
        refreshRecipients();
    }

    private void onJoined(ServerEvent.Joined joined) {
        String name = joined.room();
        boolean isNew = chats.room(name) == null;
        ConversationViewModel room = chats.joinRoom(name);
        room.members().setAll(joined.members());
        moderation.joined(joined, room);
        noteMissed(room, joined.missed());
        // A first join's history is what was said before you came: nothing of it is unread. A rejoin's (after a
        // lost connection) is what you missed: that is.
        replayingHistory = isNew;
        try {
            for (ServerEvent.Message message : joined.history()) {
                onMessage(message);
            }
        } finally {
            replayingHistory = false;
        }
        if (!joinedRooms.contains(name)) {
            joinedRooms.add(name);
            chats.add(room, LogLine.system(clock.millis(), "You joined " + name));
        }
        chats.openProperty().set(room);
        refreshRecipients();
        refreshServerRooms();
    }

    private void onLeft(ServerEvent.Left left) {
        String name = left.room();
        joinedRooms.remove(name);
        chats.leaveRoom(name);
        note("You left " + name);
        refreshServerRooms();
    }

    private void noteMissed(ConversationViewModel room, int count) {
        if (count > 0) {
            chats.add(room, LogLine.system(clock.millis(), count == 1 ? "1 message missed" : count + " messages missed"));
        }
    }

    private void onPresence(ServerEvent.Presence presence) {
        ConversationViewModel room = chats.room(presence.room());
        if (room == null) {
            return;
        }
        long now = clock.millis();
        boolean spoke = room.spokeRecently(presence.nick(), now);
        if (ServerEvent.Presence.JOIN.equals(presence.event())) {
            if (!room.members().contains(presence.nick())) {
                room.members().add(presence.nick());
            }
            chats.add(room, LogLine.presence(now, presence.nick(), presence.nick() + " joined", spoke));
        } else {
            room.members().remove(presence.nick());
            moderation.left(room, presence.nick());
            chats.add(room, LogLine.presence(now, presence.nick(), presence.nick() + " left", spoke));
            if (presence.nick().equals(recipient.get().nick()) && room == chats.openProperty().get()) {
                recipient.set(Recipient.EVERYONE);
                chats.add(room, LogLine.system(now,
                        presence.nick() + " left: messages go to everyone in " + presence.room() + " again"));
            }
        }
        updateServerRoomCount(presence.room(), room.members().size());
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

    private void onRoomList(ServerEvent.RoomList list) {
        serverRooms.setAll(list.rooms());
        if (listRequested) {
            listRequested = false;
            note(list.rooms().isEmpty() ? "No rooms on the server" : "Rooms on the server:");
            list.rooms().forEach(room -> note("  " + room.name() + " (" + room.members()
                    + (room.members() == 1 ? " person)" : " people)")));
        }
    }

    private void onMessage(ServerEvent.Message message) {
        ConversationViewModel room = chats.room(message.room());
        if (room == null) {
            return;
        }
        // Ids count up within a room: anything not newer than the last one shown is a repeat (a rejoin's history).
        long id = parseId(message.id());
        if (room.lastMessageId >= 0 && id <= room.lastMessageId) {
            return;
        }
        room.lastMessageId = id;
        boolean mine = message.from().equals(myNick.get());
        LogLine line = LogLine.of(ClientEvent.ACTION.equals(message.kind()) ? LogLine.Kind.ACTION : LogLine.Kind.MESSAGE,
                message.ts(), message.from(), message.text());
        if (!mine && Mentions.mentions(message.text(), myNick.get(), highlightWords)) {
            line = line.asMention();
        }
        chats.add(room, line, mine || replayingHistory);
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
        ConversationViewModel conversation = chats.privateConversation(outgoing ? whisper.to() : whisper.from(), true);
        LogLine line = LogLine.of(ClientEvent.ACTION.equals(whisper.kind()) ? LogLine.Kind.ACTION : LogLine.Kind.WHISPER,
                whisper.ts(), whisper.from(), whisper.text());
        chats.add(conversation, outgoing ? line : line.asMention(), outgoing);
    }

    private void onOk(ServerEvent.Ok ok) {
        moderation.whisperAnswered(input.whisperedTo(ok.ref()), ok.away());
        InputViewModel.WhisperNote note = input.confirmed(ok.ref());
        if (note != null && chats.room(note.room()) != null) {
            chats.add(chats.room(note.room()), LogLine.of(LogLine.Kind.WHISPER_NOTE, clock.millis(), note.to(), note.text()), true);
        }
    }

    private void onError(ServerEvent.Error error) {
        if (NICK_CLAIM_REF.equals(error.ref())) {
            nickError.set(error.message());
            nickname.set(myNick.get());
            note("Nickname refused: " + error.message());
            return;
        }
        input.refused(error.ref());
        noteError(error.message());
    }

    // --- lines of the client's own

    /** A line from the client itself, in the open conversation (or the server log when none is open). */
    private void note(String text) {
        chats.addToOpen(LogLine.system(clock.millis(), text));
    }

    private void noteError(String text) {
        chats.addToOpen(LogLine.of(LogLine.Kind.ERROR, clock.millis(), null, text));
    }

    // --- helpers

    private void refreshRecipients() {
        List<Recipient> choices = new ArrayList<>();
        ConversationViewModel conversation = chats.openProperty().get();
        if (conversation != null && !conversation.isRoom()) {
            choices.add(Recipient.person(conversation.name()));
        } else {
            choices.add(Recipient.EVERYONE);
            List<String> members = new ArrayList<>(conversation == null ? List.of() : conversation.members());
            members.remove(myNick.get());
            members.sort(String.CASE_INSENSITIVE_ORDER);
            members.forEach(nick -> choices.add(Recipient.person(nick)));
        }
        Recipient chosen = recipient.get();
        recipients.setAll(choices);
        recipient.set(choices.contains(chosen) ? chosen : choices.get(0));
    }

    private String newRef(String prefix) {
        return prefix + (++nextRef);
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    // --- properties

    /** The input line: what is typed, commands, completion, history. */
    public InputViewModel input() {
        return input;
    }

    /** Topics, roles, modes, bans, invitations, away and whois: rooms people run. */
    public ModerationViewModel moderation() {
        return moderation;
    }

    /** The connection: where to, its state, reconnecting, password and certificates. */
    public SessionViewModel session() {
        return session;
    }

    public StringProperty nicknameProperty() {
        return nickname;
    }

    public StringProperty roomToJoinProperty() {
        return roomToJoin;
    }

    public ObjectProperty<Recipient> recipientProperty() {
        return recipient;
    }

    /** The open room's name, or null when a private conversation or nothing is open; setting it opens that room. */
    public ObjectProperty<String> currentRoomProperty() {
        return currentRoom;
    }

    /** The conversation on screen, or null. */
    public ObjectProperty<ConversationViewModel> openConversationProperty() {
        return chats.openProperty();
    }

    /** Whether the window has the focus: lines in the open conversation are unread while it has not. */
    public BooleanProperty windowFocusedProperty() {
        return chats.windowFocusedProperty();
    }

    public ObjectProperty<JoinsAndLeaves> joinsAndLeavesProperty() {
        return joinsAndLeaves;
    }

    /** Words besides your nickname that count as mentions. */
    public ObservableList<String> highlightWords() {
        return highlightWords;
    }

    public ReadOnlyStringProperty nickErrorProperty() {
        return nickError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty myNickProperty() {
        return myNick.getReadOnlyProperty();
    }

    /** The Connect dialog's servers. */
    public SavedServers savedServers() {
        return savedServers;
    }

    /** Rooms a fresh session joins. */
    public ObservableList<String> roomsOnConnect() {
        return roomsOnConnect;
    }

    /** Unread lines in all conversations, for the window title. */
    public ReadOnlyIntegerProperty totalUnreadProperty() {
        return chats.totalUnreadProperty();
    }

    /** The rooms this client is in, in the order it joined them. */
    public ObservableList<String> joinedRooms() {
        return joinedRoomsView;
    }

    /** The sidebar: rooms in the order they were joined, then private conversations. */
    public ObservableList<ConversationViewModel> conversations() {
        return chats.list();
    }

    /** In a room: "Everyone", then the other members, sorted. In a private conversation: that person. */
    public ObservableList<Recipient> recipients() {
        return recipientsView;
    }

    /** The server's rooms as last listed. */
    public ObservableList<ServerEvent.RoomInfo> serverRooms() {
        return serverRoomsView;
    }

    /** The log of the open conversation. */
    public ReadOnlyObjectProperty<ObservableList<LogLine>> logProperty() {
        return chats.logProperty();
    }
}
