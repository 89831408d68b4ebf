package parley.client.viewmodel;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;
import parley.client.chat.LogLine;
import parley.client.chat.NotificationPolicy;
import parley.protocol.ServerEvent;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One conversation of the sidebar: a room, or the private conversation with one person. It keeps its log (with
 * day separators and the "new messages" marker), what arrived unseen (unread, and separately mentions), its
 * members (rooms) and who spoke lately (for completion and the "smart" joins-and-leaves filter). Owned by the
 * FX thread, like every view model.
 */
public final class ConversationViewModel {
    /** Lines kept per conversation; older ones are dropped so that a busy room cannot exhaust memory. */
    public static final int MAX_LOG_LINES = 20_000;
    /**
     * Lines dropped at once when a log is over its limit. Dropping from the top of a list makes the list view
     * shift every line it shows: done one line per message, a busy room would cost a full redraw per message.
     */
    static final int TRIM_BATCH = 1_000;
    /** A join or leave is "notable" for the smart filter when the person spoke this recently. */
    static final long RECENT_SPEAKER_MILLIS = 10 * 60 * 1000;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(Locale.getDefault());

    public enum Kind { ROOM, PRIVATE }

    private final Kind kind;
    private final ReadOnlyStringWrapper name;
    private final ZoneId zone;
    private final ObservableList<LogLine> lines = FXCollections.observableArrayList();
    private final ObservableList<String> members = FXCollections.observableArrayList();
    /** Rooms: the topic ("" for none), who set it, and when. */
    private final ReadOnlyStringWrapper topic = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper topicBy = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ServerEvent.Modes> modes = new ReadOnlyObjectWrapper<>(ServerEvent.Modes.NONE);
    /** Rooms: members with a role, nickname to "op" or "voice". */
    private final ObservableMap<String, String> roles = FXCollections.observableHashMap();
    private final ReadOnlyIntegerWrapper unread = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper mentions = new ReadOnlyIntegerWrapper();
    private final ObjectProperty<NotificationPolicy.Level> notifications =
            new SimpleObjectProperty<>(NotificationPolicy.Level.MENTIONS);
    /** Nick (lower case) to when they last wrote here. */
    private final Map<String, Long> lastSpoke = new HashMap<>();
    /** The first line that arrived unseen since the conversation was last looked at, or null. */
    private LogLine firstUnread;
    private LocalDate lastDay;
    private boolean hasEarlier;
    /** The last room message id shown (rooms), to drop repeats from a rejoin's history. */
    long lastMessageId = -1;

    ConversationViewModel(Kind kind, String name, ZoneId zone) {
        this.kind = kind;
        this.name = new ReadOnlyStringWrapper(name);
        this.zone = zone;
    }

    /**
     * Appends a line. Unless {@code seen} (the conversation is on screen), a chat line counts as unread, and as a
     * mention when it is one.
     */
    void add(LogLine line, boolean seen) {
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(line.timestamp()), zone);
        if (lastDay != null && !day.equals(lastDay)) {
            lines.add(LogLine.of(LogLine.Kind.DAY, line.timestamp(), null, DAY.format(day)));
        }
        lastDay = day;
        if (line.from() != null && line.isChat()) {
            lastSpoke.put(line.from().toLowerCase(Locale.ROOT), line.timestamp());
        }
        lines.add(line);
        if (!seen && line.isChat()) {
            if (firstUnread == null) {
                firstUnread = line;
            }
            unread.set(unread.get() + 1);
            if (line.mention()) {
                mentions.set(mentions.get() + 1);
            }
        }
        if (lines.size() > MAX_LOG_LINES + TRIM_BATCH) {
            lines.remove(0, lines.size() - MAX_LOG_LINES);
        }
    }

    /** Whether this person wrote here within the last 10 minutes before {@code at}. */
    boolean spokeRecently(String nick, long at) {
        Long spoke = lastSpoke.get(nick.toLowerCase(Locale.ROOT));
        return spoke != null && at - spoke <= RECENT_SPEAKER_MILLIS;
    }

    /**
     * The user looks at the conversation now: a "new messages" line goes above the first line that arrived
     * unseen (replacing the previous marker), and the counts return to zero.
     */
    void markRead() {
        if (firstUnread != null) {
            lines.removeIf(line -> line.kind() == LogLine.Kind.NEW_MESSAGES);
            int index = indexOfIdentity(firstUnread);
            if (index >= 0) {
                lines.add(index, LogLine.of(LogLine.Kind.NEW_MESSAGES, firstUnread.timestamp(), null, "new messages"));
            }
        }
        firstUnread = null;
        unread.set(0);
        mentions.set(0);
    }

    private int indexOfIdentity(LogLine wanted) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i) == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Where the "new messages" line is, or -1. */
    public int markerIndex() {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).kind() == LogLine.Kind.NEW_MESSAGES) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Puts lines read back from disk above everything, once, under an "earlier" separator. Lines the server
     * sent again (a room's history on joining) are shown once, from the server.
     */
    void prependEarlier(List<LogLine> earlier) {
        if (hasEarlier || earlier.isEmpty()) {
            return;
        }
        hasEarlier = true;
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (LogLine line : lines) {
            if (line.isChat()) {
                shown.add(sameLine(line));
            }
        }
        List<LogLine> block = new ArrayList<>();
        for (LogLine line : earlier) {
            if (!line.isChat() || !shown.contains(sameLine(line))) {
                block.add(line);
            }
        }
        if (block.isEmpty()) {
            return;
        }
        block.add(LogLine.of(LogLine.Kind.EARLIER, block.get(block.size() - 1).timestamp(), null,
                "earlier (from the log on disk)"));
        lines.addAll(0, block);
        if (lines.size() > MAX_LOG_LINES) {
            lines.remove(0, lines.size() - MAX_LOG_LINES);
        }
    }

    /** What makes a line on disk the same as one shown: the second it was said, who said it, and what. */
    private static String sameLine(LogLine line) {
        return line.timestamp() / 1000 + "\u0000" + line.from() + "\u0000" + line.text();
    }

    void clear() {
        lines.clear();
        firstUnread = null;
        unread.set(0);
        mentions.set(0);
    }

    void rename(String newName) {
        name.set(newName);
    }

    /** The nicknames that wrote here, the most recent first, then the other members. */
    public List<String> nicksForCompletion() {
        List<String> recent = new ArrayList<>(lastSpoke.keySet());
        recent.sort((a, b) -> Long.compare(lastSpoke.get(b), lastSpoke.get(a)));
        List<String> result = new ArrayList<>();
        for (String lower : recent) {
            for (String member : members) {
                if (member.toLowerCase(Locale.ROOT).equals(lower)) {
                    result.add(member);
                }
            }
            if (kind == Kind.PRIVATE && name.get().toLowerCase(Locale.ROOT).equals(lower)) {
                result.add(name.get());
            }
        }
        for (String member : members) {
            if (!result.contains(member)) {
                result.add(member);
            }
        }
        if (kind == Kind.PRIVATE && !result.contains(name.get())) {
            result.add(name.get());
        }
        return result;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isRoom() {
        return kind == Kind.ROOM;
    }

    public String name() {
        return name.get();
    }

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ObservableList<LogLine> lines() {
        return lines;
    }

    /** The room's members as the server listed them (empty for a private conversation). */
    public ObservableList<String> members() {
        return members;
    }

    /** The room's topic, "" when it has none. */
    public ReadOnlyStringProperty topicProperty() {
        return topic.getReadOnlyProperty();
    }

    /** Who set the topic and when, for its tooltip; "" when there is no topic. */
    public ReadOnlyStringProperty topicByProperty() {
        return topicBy.getReadOnlyProperty();
    }

    void setTopic(String text, String by) {
        topic.set(text == null ? "" : text);
        topicBy.set(text == null || text.isEmpty() ? "" : by);
    }

    public ReadOnlyObjectProperty<ServerEvent.Modes> modesProperty() {
        return modes.getReadOnlyProperty();
    }

    void setModes(ServerEvent.Modes newModes) {
        modes.set(newModes == null ? ServerEvent.Modes.NONE : newModes);
    }

    /** Members with a role: nickname to "op" or "voice". */
    public ObservableMap<String, String> roles() {
        return roles;
    }

    public boolean isOperator(String nick) {
        return ServerEvent.OPERATOR.equals(roles.get(nick));
    }

    public ReadOnlyIntegerProperty unreadProperty() {
        return unread.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty mentionsProperty() {
        return mentions.getReadOnlyProperty();
    }

    public ObjectProperty<NotificationPolicy.Level> notificationsProperty() {
        return notifications;
    }

    @Override
    public String toString() {
        return (kind == Kind.ROOM ? "#" : "@") + name.get();
    }
}
