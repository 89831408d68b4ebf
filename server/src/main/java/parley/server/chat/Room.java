package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A room: its members, buffered messages and message counter. Every method must be called holding the room's
 * monitor; {@link LocalChat} does so, and sends to members inside it so that everyone sees one order.
 */
final class Room {
    private final String name;
    private final String key;
    private final int historySize;
    private final int bufferSize;
    private final Set<ChatUser> members = new LinkedHashSet<>();
    /** Members who resumed and have not joined again yet: they catch up with "since", not live. */
    private final Set<ChatUser> awaitingRejoin = new HashSet<>();
    private final ArrayDeque<ServerEvent.Message> history = new ArrayDeque<>();
    private long lastMessageNumber;
    private boolean closed;

    Room(String name, String key, int historySize, int bufferSize) {
        this.name = name;
        this.key = key;
        this.historySize = historySize;
        this.bufferSize = bufferSize;
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

    void awaitRejoin(ChatUser member) {
        awaitingRejoin.add(member);
    }

    void rejoined(ChatUser member) {
        awaitingRejoin.remove(member);
    }

    void removeMember(ChatUser member) {
        members.remove(member);
        awaitingRejoin.remove(member);
    }

    /** Whether live events of this room go to the member now. */
    boolean isListening(ChatUser member) {
        return awaitingRejoin.isEmpty() || !awaitingRejoin.contains(member);
    }

    List<String> memberNicks() {
        List<String> nicks = new ArrayList<>(members.size());
        for (ChatUser member : members) {
            nicks.add(member.nick());
        }
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    /** The most recent messages, as a plain joiner gets them. */
    List<ServerEvent.Message> history() {
        List<ServerEvent.Message> all = List.copyOf(history);
        return all.subList(Math.max(0, all.size() - historySize), all.size());
    }

    /**
     * Every buffered message after message number {@code since}, and how many after it are no longer buffered.
     * A number beyond the newest one belongs to an earlier room of this name: the joiner gets plain history.
     */
    History historySince(long since) {
        if (since > lastMessageNumber) {
            return new History(history(), 0);
        }
        // Buffered ids are consecutive, so the messages after "since" are the buffer's tail.
        long firstBuffered = lastMessageNumber - history.size() + 1;
        int missed = (int) Math.max(0, firstBuffered - since - 1);
        List<ServerEvent.Message> all = List.copyOf(history);
        int from = (int) Math.max(0, since - firstBuffered + 1);
        return new History(all.subList(from, all.size()), missed);
    }

    /** Messages for a joiner, and how many were lost beyond the buffer. */
    record History(List<ServerEvent.Message> messages, int missed) {
    }

    /** Stores a message under the room's next id: ids count up from 1 with no gaps. */
    ServerEvent.Message store(String from, String text, long timestamp) {
        var message = new ServerEvent.Message(Long.toString(++lastMessageNumber), name, from, text, timestamp);
        if (bufferSize > 0) {
            if (history.size() == bufferSize) {
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
