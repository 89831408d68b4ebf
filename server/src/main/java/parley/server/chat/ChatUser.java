package parley.server.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One person: current nickname, rooms, and the connection they are reached through. A user outlives a
 * dropped connection for the grace period and can be resumed on a new one. State changes of one user are
 * serialised on the user's monitor (lock order: user, then room).
 */
public final class ChatUser {
    private final long serial;
    private volatile Peer peer;
    private volatile String nick;
    /** The key of {@link #nick} ({@link Names#key}): computed once per name, not at every comparison. */
    private volatile String nickKey;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();
    private final long connectedAt;
    /** The away message, or null while the user is here. */
    private volatile String away;
    /** When the user last said or whispered something (or connected). */
    private volatile long activeAt;
    /** Guarded by this monitor. */
    private String resumeToken;
    /** Guarded by this monitor: when the connection dropped, or -1 while connected. */
    private volatile long droppedAt = -1;
    /** Guarded by this monitor. */
    private boolean gone;
    /**
     * Guarded by this monitor: the user's recent whispers (to and from them), sent or held while dropped. A
     * resumed connection gets them again, because a connection that died unnoticed swallowed some of them.
     */
    private final ArrayDeque<RecentWhisper> recentWhispers = new ArrayDeque<>();

    private record RecentWhisper(long sentAt, EncodedEvent frame) {
    }

    ChatUser(long serial, Peer peer, String nick, long connectedAt) {
        this.serial = serial;
        this.peer = peer;
        this.nick = nick;
        this.nickKey = Names.key(nick);
        this.connectedAt = connectedAt;
        this.activeAt = connectedAt;
    }

    public long connectedAt() {
        return connectedAt;
    }

    /** The away message, or null. */
    public String away() {
        return away;
    }

    void away(String message) {
        away = message;
    }

    public long activeAt() {
        return activeAt;
    }

    void active(long now) {
        activeAt = now;
    }

    /** This user's number on this server, never given to another user of it. */
    public long serial() {
        return serial;
    }

    public Peer peer() {
        return peer;
    }

    public String nick() {
        return nick;
    }

    void rename(String newNick) {
        this.nickKey = Names.key(newNick);
        this.nick = newNick;
    }

    /** The key of the nickname, as {@link Names#key} gives it. */
    public String nickKey() {
        return nickKey;
    }

    /** The rooms the user is in here; a concurrent set, safe to read without a monitor. */
    public Set<Room> rooms() {
        return rooms;
    }

    /** The token that resumes this user now; read it holding the user's monitor. */
    public String resumeToken() {
        return resumeToken;
    }

    void resumeToken(String token) {
        resumeToken = token;
    }

    public boolean isGone() {
        return gone;
    }

    void markGone() {
        gone = true;
    }

    /** Whether the connection was lost and the user waits, for the grace period, to be resumed. */
    public boolean isDropped() {
        return droppedAt >= 0;
    }

    long droppedAt() {
        return droppedAt;
    }

    void markDropped(long now) {
        droppedAt = now;
    }

    /** Attaches a new connection and hands back the whispers of the user sent since {@code since}. */
    List<EncodedEvent> reattach(Peer newPeer, long since) {
        peer = newPeer;
        droppedAt = -1;
        List<EncodedEvent> recent = new ArrayList<>();
        for (RecentWhisper whisper : recentWhispers) {
            if (whisper.sentAt() >= since) {
                recent.add(whisper.frame());
            }
        }
        return recent;
    }

    /** Sends a whisper now unless the user is dropped, and keeps it among the newest {@code keep}. */
    void deliverWhisper(EncodedEvent frame, long now, int keep) {
        if (!isDropped()) {
            peer.send(frame);
        }
        keepWhisper(frame, now, keep);
    }

    /** Keeps a whisper sent at {@code sentAt} among the newest {@code keep}, to send again on resume. */
    void keepWhisper(EncodedEvent frame, long sentAt, int keep) {
        if (keep > 0) {
            if (recentWhispers.size() == keep) {
                recentWhispers.removeFirst();
            }
            recentWhispers.addLast(new RecentWhisper(sentAt, frame));
        }
    }

    /** The recent whispers, oldest first, as a saved state keeps them. */
    List<ChatState.SavedWhisper> savedWhispers() {
        List<ChatState.SavedWhisper> saved = new ArrayList<>(recentWhispers.size());
        for (RecentWhisper whisper : recentWhispers) {
            saved.add(new ChatState.SavedWhisper(whisper.sentAt(), whisper.frame().json()));
        }
        return saved;
    }

    @Override
    public String toString() {
        return peer.id();
    }
}
