package parley.client.viewmodel;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import parley.client.chat.LogLine;
import parley.client.chat.NotificationPolicy;
import parley.client.logs.LogStore;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The conversations of one window and what belongs to all of them: the sidebar's order (rooms as joined, then
 * private conversations), the open one, what is unread in total, which lines notify, and the logs on disk. The
 * session ({@link ChatViewModel}) tells it what the server said; it knows nothing of the connection. Owned by the
 * FX thread.
 */
public final class ConversationsViewModel {
    /** Lines read back from the log on disk when a conversation opens. */
    public static final int EARLIER_LINES = 200;

    private final Executor fxThread;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ObservableList<ConversationViewModel> conversations = FXCollections.observableArrayList();
    private final ObservableList<ConversationViewModel> conversationsView = FXCollections.unmodifiableObservableList(conversations);
    private final Map<String, ConversationViewModel> rooms = new HashMap<>();
    /** Private conversations by the other person's nickname in lower case, hidden ones too. */
    private final Map<String, ConversationViewModel> privates = new HashMap<>();
    private final ObjectProperty<ConversationViewModel> open = new SimpleObjectProperty<>();
    private final BooleanProperty windowFocused = new SimpleBooleanProperty(true);
    private final ReadOnlyIntegerWrapper totalUnread = new ReadOnlyIntegerWrapper();
    /** Lines shown while no conversation is open. */
    private final ObservableList<LogLine> serverLog = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<ObservableList<LogLine>> log = new ReadOnlyObjectWrapper<>(serverLog);
    private final NotificationPolicy notificationPolicy = new NotificationPolicy();
    private Notifier notifier = Notifier.NONE;
    private Runnable cancelNotificationFlush;
    private LogStore logStore;
    private Executor logReader = Runnable::run;
    private String server = "";

    ConversationsViewModel(Executor fxThread, Clock clock, Scheduler scheduler) {
        this.fxThread = fxThread;
        this.clock = clock;
        this.scheduler = scheduler;
        open.addListener((observable, old, conversation) -> {
            log.set(conversation == null ? serverLog : conversation.lines());
            if (conversation != null && windowFocused.get()) {
                conversation.markRead();
            }
        });
        windowFocused.addListener((observable, was, focused) -> {
            if (focused && open.get() != null) {
                open.get().markRead();
            }
        });
    }

    void setNotifier(Notifier notifier) {
        this.notifier = notifier;
    }

    void setLogStore(LogStore store, Executor reader) {
        this.logStore = store;
        this.logReader = reader;
    }

    /** The server the logs of the coming conversations belong to ({@code host_port}). */
    void setServer(String key) {
        this.server = key;
    }

    // --- rooms and private conversations

    ConversationViewModel room(String name) {
        return rooms.get(name);
    }

    Iterable<ConversationViewModel> rooms() {
        return rooms.values();
    }

    /** The room's conversation, made and put in the sidebar (after the other rooms) when it is new. */
    ConversationViewModel joinRoom(String name) {
        ConversationViewModel room = rooms.get(name);
        if (room == null) {
            room = newConversation(ConversationViewModel.Kind.ROOM, name);
            rooms.put(name, room);
            int roomsShown = (int) conversations.stream().filter(ConversationViewModel::isRoom).count();
            conversations.add(roomsShown, room);
        }
        return room;
    }

    /** The room is gone from the sidebar; its neighbour opens if it was open. */
    void leaveRoom(String name) {
        ConversationViewModel room = rooms.remove(name);
        if (room != null) {
            hide(room);
        }
    }

    /** The private conversation with this person; created (and shown in the sidebar) when asked to. */
    ConversationViewModel privateConversation(String nick, boolean show) {
        String key = nick.toLowerCase(Locale.ROOT);
        ConversationViewModel conversation = privates.get(key);
        if (conversation == null) {
            conversation = newConversation(ConversationViewModel.Kind.PRIVATE, nick);
            privates.put(key, conversation);
        }
        if (show && !conversations.contains(conversation)) {
            conversations.add(conversation);
        }
        return conversation;
    }

    /** Someone changed their name: the private conversation with them follows. */
    ConversationViewModel renamePrivate(String old, String now) {
        ConversationViewModel conversation = privates.remove(old.toLowerCase(Locale.ROOT));
        if (conversation != null) {
            conversation.rename(now);
            privates.put(now.toLowerCase(Locale.ROOT), conversation);
        }
        return conversation;
    }

    /** Takes a conversation out of the sidebar (a private one comes back with the next whisper). */
    void hide(ConversationViewModel conversation) {
        int index = conversations.indexOf(conversation);
        conversations.remove(conversation);
        if (open.get() == conversation) {
            open.set(conversations.isEmpty() ? null : conversations.get(Math.max(0, Math.min(index, conversations.size()) - 1)));
        }
    }

    /** Opens the conversation before or after the open one in the sidebar, wrapping around. */
    void openNeighbour(int step) {
        if (conversations.isEmpty()) {
            return;
        }
        int index = conversations.indexOf(open.get());
        open.set(conversations.get(Math.floorMod(index < 0 ? 0 : index + step, conversations.size())));
    }

    void clearOpen() {
        if (open.get() != null) {
            open.get().clear();
        } else {
            serverLog.clear();
        }
    }

    /** The session is over: every conversation goes; the open one's lines stay in sight with the reason. */
    void forget(String reason) {
        ConversationViewModel last = open.get();
        serverLog.setAll(last == null ? List.copyOf(serverLog) : List.copyOf(last.lines()));
        rooms.clear();
        privates.clear();
        conversations.clear();
        open.set(null);
        serverLog.add(LogLine.system(clock.millis(), reason));
        recountUnread();
    }

    private ConversationViewModel newConversation(ConversationViewModel.Kind kind, String name) {
        ConversationViewModel conversation = new ConversationViewModel(kind, name, clock.getZone());
        conversation.unreadProperty().addListener((observable, old, count) -> recountUnread());
        LogStore store = logStore;
        if (store != null && store.isEnabled()) {
            String serverKey = server;
            boolean room = kind == ConversationViewModel.Kind.ROOM;
            logReader.execute(() -> {
                List<LogLine> earlier = store.lastLines(serverKey, name, room, EARLIER_LINES);
                fxThread.execute(() -> conversation.prependEarlier(earlier));
            });
        }
        return conversation;
    }

    private void recountUnread() {
        int total = 0;
        for (ConversationViewModel conversation : conversations) {
            total += conversation.unreadProperty().get();
        }
        totalUnread.set(total);
    }

    // --- lines

    /** Whether the user sees this conversation now: it is open and the window has the focus. */
    private boolean isOnScreen(ConversationViewModel conversation) {
        return conversation == open.get() && windowFocused.get();
    }

    void add(ConversationViewModel conversation, LogLine line) {
        add(conversation, line, false);
    }

    /**
     * Adds a line to a conversation, keeps it on disk, and notifies when it asks for it; {@code seen} lines
     * (your own, or a first join's history) are never unread and never notify.
     */
    void add(ConversationViewModel conversation, LogLine line, boolean seen) {
        boolean onScreen = isOnScreen(conversation);
        conversation.add(line, onScreen || seen);
        if (logStore != null) {
            logStore.append(server, conversation.name(), conversation.isRoom(), line);
        }
        if (seen || !line.isChat()) {
            return;
        }
        var incoming = new NotificationPolicy.Line(conversation.name(), !conversation.isRoom(), line.from(),
                line.text(), line.mention());
        if (NotificationPolicy.wants(incoming, conversation.notificationsProperty().get(), onScreen)) {
            notificationPolicy.offer(incoming);
            flushNotifications();
        }
    }

    private void flushNotifications() {
        NotificationPolicy.Notification due = notificationPolicy.poll(clock.millis());
        if (due != null) {
            notifier.show(due.summary(), due.body());
        }
        if (notificationPolicy.hasPending() && cancelNotificationFlush == null) {
            long wait = Math.max(1, notificationPolicy.nextPollAt() - clock.millis());
            cancelNotificationFlush = scheduler.schedule(Duration.ofMillis(wait), () -> {
                cancelNotificationFlush = null;
                flushNotifications();
            });
        }
    }

    /** A line of the client's own, in the open conversation (or the server log when none is open). */
    void addToOpen(LogLine line) {
        ConversationViewModel conversation = open.get();
        if (conversation != null) {
            add(conversation, line, true);
        } else {
            serverLog.add(line);
            if (serverLog.size() > ConversationViewModel.MAX_LOG_LINES) {
                serverLog.remove(0, serverLog.size() - ConversationViewModel.MAX_LOG_LINES);
            }
        }
    }

    // --- properties

    /** The sidebar: rooms in the order they were joined, then private conversations. */
    public ObservableList<ConversationViewModel> list() {
        return conversationsView;
    }

    /** The conversation on screen, or null. */
    public ObjectProperty<ConversationViewModel> openProperty() {
        return open;
    }

    /** Whether the window has the focus: lines in the open conversation are unread while it has not. */
    public BooleanProperty windowFocusedProperty() {
        return windowFocused;
    }

    /** Unread lines in all conversations, for the window title. */
    public ReadOnlyIntegerProperty totalUnreadProperty() {
        return totalUnread.getReadOnlyProperty();
    }

    /** The log of the open conversation. */
    public ReadOnlyObjectProperty<ObservableList<LogLine>> logProperty() {
        return log.getReadOnlyProperty();
    }
}
