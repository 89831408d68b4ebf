package parley.client.viewmodel;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.IntegerBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import parley.client.chat.Command;
import parley.client.chat.CommandParser;
import parley.client.chat.InputHistory;
import parley.client.chat.TabCompleter;
import parley.protocol.ClientEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input line: what is being typed, the slash-command table, Tab completion, the history, the length limit,
 * and the messages sent but not yet confirmed (a refused one comes back into the input). What a command does to
 * the rest of the window goes through {@link Window}. Owned by the FX thread.
 */
public final class InputViewModel {
    /** Longest message text unless the server says otherwise. */
    public static final int DEFAULT_MAX_TEXT = 2_000;
    /** From how many characters left the input shows a counter. */
    public static final int COUNTER_FROM = 200;

    /** What typing asks of the rest of the window. */
    interface Window {
        boolean connected();

        void send(ClientEvent event);

        String newRef(String prefix);

        String myNick();

        /** "To": everyone in the open room, or one person. */
        Recipient recipient();

        /** Room names for completing {@code /join}. */
        List<String> roomNames();

        void leave(String room);

        void closeOrLeaveOpen();

        void openPrivate(String nick);

        void rename(String nick);

        /** Asks for the room list and shows it in the log when it comes. */
        void listRooms();

        void quit();

        /** Whether the server announced this feature ("topic", "action", "away", "whois", "moderation"). */
        boolean supports(String feature);

        void note(String text);

        void noteError(String text);
    }

    /** A whisper sent from a room through "To": the room gets a line once the server accepts it. */
    record WhisperNote(String room, String to, String text) { }

    private final StringProperty draft = new SimpleStringProperty("");
    private final IntegerBinding charactersLeft;
    private final BooleanBinding canSend;
    private final ConversationsViewModel chats;
    private final Window window;
    private final CommandParser commands = new CommandParser();
    private final TabCompleter completer = new TabCompleter();
    private final InputHistory history = new InputHistory();
    /** Texts sent but not yet acknowledged, by ref: restored to the input if the server refuses them. */
    private final Map<String, String> unconfirmed = new LinkedHashMap<>();
    private final Map<String, WhisperNote> whisperNotes = new HashMap<>();
    /** Whispers sent but not yet acknowledged, by ref: to whom (the answer may say they are away). */
    private final Map<String, String> whispersTo = new HashMap<>();

    InputViewModel(ConversationsViewModel chats, BooleanBinding connected, Window window) {
        this.chats = chats;
        this.window = window;
        charactersLeft = Bindings.createIntegerBinding(
                () -> DEFAULT_MAX_TEXT - draft.get().codePointCount(0, draft.get().length()), draft);
        canSend = Bindings.createBooleanBinding(() -> {
            String text = draft.get();
            if (text.isBlank()) {
                return false;
            }
            if (text.startsWith("/") && !text.startsWith("//")) {
                return true;
            }
            return connected.get() && chats.openProperty().get() != null && charactersLeft.get() >= 0;
        }, connected, draft, chats.openProperty(), charactersLeft);
    }

    /**
     * Reads the input line: a slash command, or text for the open conversation (a room, or a whisper when a
     * person is chosen in "To" or the conversation is private).
     */
    public void send() {
        String text = draft.get();
        if (text.isBlank()) {
            return;
        }
        Command command = commands.parse(text);
        history.add(text);
        if (command instanceof Command.Say say) {
            sendText(say.text());
        } else if (command instanceof Command.Invalid invalid) {
            // The line stays, to be corrected.
            window.noteError(invalid.message());
        } else if (command instanceof Command.Help help) {
            draft.set("");
            commands.help(help.command()).forEach(window::note);
        } else if (command instanceof Command.Clear) {
            draft.set("");
            chats.clearOpen();
        } else if (command instanceof Command.Query query) {
            draft.set("");
            window.openPrivate(query.nick());
        } else if (command instanceof Command.Part part) {
            draft.set("");
            if (part.room() != null) {
                window.leave(part.room());
            } else {
                window.closeOrLeaveOpen();
            }
        } else if (command instanceof Command.Quit) {
            draft.set("");
            window.quit();
        } else if (command instanceof Command.Nick nick) {
            // Offline, it is the name to claim on the next connection.
            draft.set("");
            window.rename(nick.nick());
        } else if (requireConnection()) {
            runOnServer(command, text);
        }
    }

    /** The commands that need the server. */
    private void runOnServer(Command command, String text) {
        if (command instanceof Command.Join join) {
            window.send(new ClientEvent.Join(join.room(), null, join.key(), window.newRef("j")));
        } else if (command instanceof Command.Msg msg) {
            chats.privateConversation(msg.nick(), true);
            String ref = window.newRef("m");
            window.send(new ClientEvent.Whisper(msg.nick(), msg.text(), ref));
            unconfirmed.put(ref, text);
            whispersTo.put(ref, msg.nick());
        } else if (command instanceof Command.ListRooms) {
            window.listRooms();
        } else if (command instanceof Command.Me me) {
            if (needs("action", "/me")) {
                sendText(me.text(), ClientEvent.ACTION, text);
            }
            return;
        } else if (command instanceof Command.Away away) {
            if (!needs("away", "/away and /back")) {
                return;
            }
            window.send(new ClientEvent.Away(away.message(), window.newRef("a")));
        } else if (command instanceof Command.Whois whois) {
            if (!needs("whois", "/whois")) {
                return;
            }
            window.send(new ClientEvent.Whois(whois.nick(), window.newRef("w")));
        } else if (!runInRoom(command)) {
            return;
        }
        draft.set("");
    }

    /** The commands about the open room; false (the line stays) when they cannot be sent. */
    private boolean runInRoom(Command command) {
        String feature = command instanceof Command.Topic ? "topic" : "moderation";
        if (!needs(feature, "this command")) {
            return false;
        }
        ConversationViewModel open = chats.openProperty().get();
        if (open == null || !open.isRoom()) {
            window.noteError("Open a room first: this command acts on the open room");
            return false;
        }
        String room = open.name();
        ClientEvent request = roomRequest(command, room, window.newRef("r"));
        if (request == null) {
            window.note(open.topicProperty().get().isEmpty() ? room + " has no topic"
                    : "Topic of " + room + ": " + open.topicProperty().get() + " (" + open.topicByProperty().get() + ")");
        } else {
            window.send(request);
        }
        return true;
    }

    /** The request of a room command, or null for {@code /topic} alone (which shows the topic). */
    private static ClientEvent roomRequest(Command command, String room, String ref) {
        if (command instanceof Command.Topic topic) {
            return topic.text() == null ? null : new ClientEvent.Topic(room, topic.text(), ref);
        } else if (command instanceof Command.Role role) {
            return new ClientEvent.Role(room, role.nick(), role.role(), ref);
        } else if (command instanceof Command.Kick kick) {
            return new ClientEvent.Kick(room, kick.nick(), kick.reason(), ref);
        } else if (command instanceof Command.Ban ban) {
            return new ClientEvent.Ban(room, ban.nick(), ban.reason(), ref);
        } else if (command instanceof Command.Unban unban) {
            return new ClientEvent.Unban(room, unban.nick(), ref);
        } else if (command instanceof Command.Bans) {
            return new ClientEvent.Bans(room, ref);
        } else if (command instanceof Command.Mode mode) {
            return new ClientEvent.Mode(room, mode.topicLocked(), mode.moderated(), mode.inviteOnly(), mode.key(), ref);
        } else if (command instanceof Command.Invite invite) {
            return new ClientEvent.Invite(room, invite.nick(), ref);
        }
        throw new IllegalArgumentException("not a room command: " + command);
    }

    /** Whether the server does this; if not, says so. */
    private boolean needs(String feature, String what) {
        if (window.supports(feature)) {
            return true;
        }
        window.noteError("This server does not support " + what);
        return false;
    }

    private void sendText(String text) {
        sendText(text, null, text);
    }

    /** Sends to the open conversation; {@code kind} is null or "action", {@code typed} what comes back if refused. */
    private void sendText(String text, String kind, String typed) {
        ConversationViewModel conversation = chats.openProperty().get();
        if (!requireConnection()) {
            return;
        }
        if (conversation == null) {
            window.noteError("Nothing is open to send to: join a room (/join ROOM) or open a conversation (/query NICK)");
            return;
        }
        int length = text.codePointCount(0, text.length());
        if (length > DEFAULT_MAX_TEXT) {
            window.noteError("The message is " + length + " characters long; the server takes at most " + DEFAULT_MAX_TEXT);
            return;
        }
        String ref = window.newRef("m");
        Recipient to = window.recipient();
        if (!conversation.isRoom()) {
            window.send(new ClientEvent.Whisper(conversation.name(), text, kind, ref));
            whispersTo.put(ref, conversation.name());
        } else if (to.isEveryone()) {
            window.send(new ClientEvent.Say(conversation.name(), text, kind, ref));
        } else {
            window.send(new ClientEvent.Whisper(to.nick(), text, kind, ref));
            whispersTo.put(ref, to.nick());
            whisperNotes.put(ref, new WhisperNote(conversation.name(), to.nick(), text));
        }
        unconfirmed.put(ref, typed);
        draft.set("");
    }

    private boolean requireConnection() {
        if (!window.connected()) {
            window.noteError("Not connected: connect first (Server → Connect…)");
            return false;
        }
        return true;
    }

    // --- what the server says about what was sent

    /** Whom the whisper of this ref went to (null when the ref is no whisper); asked once, on its answer. */
    String whisperedTo(String ref) {
        return ref == null ? null : whispersTo.remove(ref);
    }

    /** The server accepted a request; a whisper sent from a room comes back as the line for that room. */
    WhisperNote confirmed(String ref) {
        unconfirmed.remove(ref);
        return whisperNotes.remove(ref);
    }

    /** The server refused a request: a message comes back into an empty input. */
    void refused(String ref) {
        whisperNotes.remove(ref);
        whispersTo.remove(ref);
        String unsent = unconfirmed.remove(ref);
        if (unsent != null && draft.get().isEmpty()) {
            draft.set(unsent);
        }
    }

    /** The connection dropped: the last message not confirmed (maybe sent, maybe not) comes back for the user to decide. */
    void lost() {
        String last = unconfirmed.values().stream().reduce((older, newer) -> newer).orElse(null);
        if (last != null && draft.get().isEmpty()) {
            draft.set(last);
        }
        unconfirmed.clear();
    }

    void forget() {
        unconfirmed.clear();
        whisperNotes.clear();
        whispersTo.clear();
    }

    // --- typing helpers

    /** Completes the word before the caret (Tab); null when nothing matches. */
    public TabCompleter.Result complete(String text, int caret) {
        ConversationViewModel conversation = chats.openProperty().get();
        List<String> nicks = new ArrayList<>(conversation == null ? List.of() : conversation.nicksForCompletion());
        nicks.remove(window.myNick());
        return completer.complete(text, caret, nicks, commands.names(), window.roomNames());
    }

    /** The line typed before the one shown (Up), or null. */
    public String olderInput(String current) {
        return history.previous(current);
    }

    /** The line typed after the one shown (Down), or null. */
    public String newerInput() {
        return history.next();
    }

    /** The slash commands, for the Help menu. */
    public List<String> commandHelp() {
        return commands.help(null);
    }

    public StringProperty draftProperty() {
        return draft;
    }

    /** Characters the draft may still grow by; negative when it is too long to send. */
    public IntegerBinding charactersLeftProperty() {
        return charactersLeft;
    }

    public BooleanBinding canSendProperty() {
        return canSend;
    }
}
