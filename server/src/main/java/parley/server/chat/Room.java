package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * A room as this server sees it: the members connected here, the messages it has shown, and the id of the last
 * one. Ids only go up; an id that was never shown here (a gap) counts as a missed message for a joiner asking
 * {@code since} an earlier id. Every method must be called holding the room's monitor: events are sent to members
 * inside it, so that every member sees one order.
 */
public final class Room {
    private final String key;
    private final int historySize;
    private final int bufferSize;
    private volatile String name;
    private final Set<ChatUser> members = new LinkedHashSet<>();
    /** Members who resumed and have not joined again yet: they catch up with "since", not live. */
    private final Set<ChatUser> awaitingRejoin = new HashSet<>();
    private final ArrayDeque<ServerEvent.Message> buffer = new ArrayDeque<>();
    private long lastId;
    /** Joins under way: the room stays open for them even while it has no members. */
    private int arriving;
    private boolean closed;
    private RoomControl control = RoomControl.NONE;
    /** The version of {@link #control} in the cluster's store; 0 for a server alone. */
    private long controlVersion;

    Room(String name, String key, int historySize, int bufferSize) {
        this.name = name;
        this.key = key;
        this.historySize = historySize;
        this.bufferSize = bufferSize;
    }

    public String name() {
        return name;
    }

    /** Takes the spelling the room has elsewhere (its first member chose it). */
    public void adoptName(String canonical) {
        name = canonical;
    }

    public String key() {
        return key;
    }

    public Set<ChatUser> members() {
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

    /** Sends an event to every member listening live, but {@code except} (or to all when it is null). */
    public void sendToListening(EncodedEvent frame, ChatUser except) {
        for (ChatUser member : members) {
            if (member != except && isListening(member)) {
                member.peer().send(frame);
            }
        }
    }

    List<String> memberNicks() {
        List<String> nicks = new ArrayList<>(members.size());
        for (ChatUser member : members) {
            nicks.add(member.nick());
        }
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    public RoomControl control() {
        return control;
    }

    /** A change made here; the backplane shares it. */
    void control(RoomControl changed) {
        control = changed;
    }

    public long controlVersion() {
        return controlVersion;
    }

    /** The control as the cluster has it, under its version there; ignored when older than the one held. */
    public boolean adoptControl(RoomControl shared, long version) {
        if (version <= controlVersion) {
            return false;
        }
        control = shared;
        controlVersion = version;
        return true;
    }

    /**
     * Another server changed the control first: this server's {@code pending} change is made again on top of the
     * control the cluster has.
     */
    public void rebase(RoomControl shared, long version, RoomControl.Change pending) {
        control = pending.apply(shared);
        controlVersion = Math.max(controlVersion, version);
    }

    /** The member of this key here, or null. */
    ChatUser member(String nickKey) {
        for (ChatUser member : members) {
            if (member.nickKey().equals(nickKey)) {
                return member;
            }
        }
        return null;
    }

    /**
     * What a joiner learns of the room: members (with {@code elsewhere}, those on other servers), history (after
     * {@code since}, or the most recent when it is negative), and how the room is run.
     */
    ServerEvent.Joined joined(long since, Backplane.Members elsewhere) {
        History history = since < 0 ? new History(history(), 0) : historySince(since);
        List<String> members = memberNicks();
        Map<String, String> away = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (ChatUser member : this.members) {
            if (member.away() != null) {
                away.put(member.nick(), member.away());
            }
        }
        if (elsewhere != null && !elsewhere.nicks().isEmpty()) {
            members.addAll(elsewhere.nicks());
            members.sort(String.CASE_INSENSITIVE_ORDER);
            away.putAll(elsewhere.away());
        }
        RoomControl control = this.control;
        // Few members have a role: each role finds its member, rather than every member computing its key.
        Map<String, String> roles = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> unplaced = new java.util.HashMap<>(control.roles());
        for (ChatUser member : this.members) {
            if (unplaced.isEmpty()) {
                break;
            }
            String role = unplaced.remove(member.nickKey());
            if (role != null) {
                roles.put(member.nick(), role);
            }
        }
        if (!unplaced.isEmpty() && elsewhere != null) {
            for (String nick : elsewhere.nicks()) {
                if (unplaced.isEmpty()) {
                    break;
                }
                String role = unplaced.remove(Names.key(nick));
                if (role != null) {
                    roles.put(nick, role);
                }
            }
        }
        return new ServerEvent.Joined(name, members, history.messages(), history.missed(), control.topic(),
                away.isEmpty() ? null : away, roles.isEmpty() ? null : roles, control.modes());
    }

    /** The id of the last message shown here, 0 before the first. */
    public long lastId() {
        return lastId;
    }

    /** A message under the id after the last one shown here; {@link #show} it next. */
    public ServerEvent.Message number(String from, String text, String kind, long timestamp) {
        return new ServerEvent.Message(Long.toString(lastId + 1), name, from, text, timestamp, kind);
    }

    /** Shows a message to the members listening and keeps it for joiners; its id must be above {@link #lastId}. */
    public void show(ServerEvent.Message message, EncodedEvent frame) {
        lastId = Long.parseLong(message.id());
        keep(message);
        sendToListening(frame, null);
    }

    /** Ids up to {@code id} will not be shown here. */
    public void skipTo(long id) {
        lastId = Math.max(lastId, id);
    }

    /** Starts a room that exists elsewhere: its last id and its recent messages, oldest first. */
    public void seed(long last, List<ServerEvent.Message> recent) {
        buffer.clear();
        recent.forEach(this::keep);
        lastId = Math.max(lastId, last);
    }

    private void keep(ServerEvent.Message message) {
        if (bufferSize > 0) {
            if (buffer.size() == bufferSize) {
                buffer.removeFirst();
            }
            buffer.addLast(message);
        }
    }

    /** Every message kept for joins with {@code since}, oldest first. */
    List<ServerEvent.Message> buffered() {
        return List.copyOf(buffer);
    }

    /** The most recent messages, as a plain joiner gets them. */
    List<ServerEvent.Message> history() {
        List<ServerEvent.Message> all = buffered();
        return all.subList(Math.max(0, all.size() - historySize), all.size());
    }

    /**
     * Every buffered message after id {@code since}, and how many after it are not here (no longer buffered, or
     * never shown here). An id beyond the newest one belongs to an earlier room of this name: the joiner gets
     * plain history.
     */
    History historySince(long since) {
        if (since > lastId) {
            return new History(history(), 0);
        }
        List<ServerEvent.Message> after = new ArrayList<>();
        for (ServerEvent.Message message : buffer) {
            if (Long.parseLong(message.id()) > since) {
                after.add(message);
            }
        }
        long missed = lastId - since - after.size();
        return new History(after, (int) Math.min(Integer.MAX_VALUE, Math.max(0, missed)));
    }

    /** Messages for a joiner, and how many were lost beyond the buffer. */
    record History(List<ServerEvent.Message> messages, int missed) {
    }

    void arriving() {
        arriving++;
    }

    void arrived() {
        arriving--;
    }

    /** Neither members nor joins under way: the room can close. */
    boolean isUnused() {
        return members.isEmpty() && arriving == 0;
    }

    /** A closed room has left the room map; a joiner must create a new one. */
    public boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
    }
}
