package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A room: its members, recent history and message counter. Every method must be called holding the room's
 * monitor; {@link LocalChat} does so, and sends to members inside it so that everyone sees one order.
 */
final class Room {
    private final String name;
    private final String key;
    private final int historySize;
    private final Set<ChatUser> members = new LinkedHashSet<>();
    private final ArrayDeque<ServerEvent.Message> history = new ArrayDeque<>();
    private long lastMessageNumber;
    private boolean closed;

    Room(String name, String key, int historySize) {
        this.name = name;
        this.key = key;
        this.historySize = historySize;
    }

    String name() {
        return name;
    }

    String key() {
        return key;
    }

    Set<ChatUser> members() {
        return members;
    }

    List<String> memberNicks() {
        List<String> nicks = new ArrayList<>(members.size());
        for (ChatUser member : members) {
            nicks.add(member.nick());
        }
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    List<ServerEvent.Message> history() {
        return List.copyOf(history);
    }

    /** Stores a message under the room's next id: ids count up from 1 with no gaps. */
    ServerEvent.Message store(String from, String text, long timestamp) {
        var message = new ServerEvent.Message(Long.toString(++lastMessageNumber), name, from, text, timestamp);
        if (historySize > 0) {
            if (history.size() == historySize) {
                history.removeFirst();
            }
            history.addLast(message);
        }
        return message;
    }

    /** A closed room has lost its last member and left the room map; a joiner must create a new one. */
    boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
    }
}
