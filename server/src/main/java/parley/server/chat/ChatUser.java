package parley.server.chat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One person: current nickname, rooms, and the connection they are reached through. A user outlives a
 * dropped connection for the grace period and can be resumed on a new one. State changes of one user are
 * serialised on the user's monitor (lock order: user, then room).
 */
public final class ChatUser {
    private volatile Peer peer;
    private volatile String nick;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();
    /** Guarded by this monitor. */
    private String resumeToken;
    /** Guarded by this monitor: when the connection dropped, or -1 while connected. */
    private long droppedAt = -1;
    /** Guarded by this monitor. */
    private boolean gone;
    /** Guarded by this monitor: encoded whispers that arrived while dropped. */
    private final ArrayDeque<String> heldWhispers = new ArrayDeque<>();

    ChatUser(Peer peer, String nick) {
        this.peer = peer;
        this.nick = nick;
    }

    public Peer peer() {
        return peer;
    }

    public String nick() {
        return nick;
    }

    void rename(String newNick) {
        this.nick = newNick;
    }

    Set<Room> rooms() {
        return rooms;
    }

    String resumeToken() {
        return resumeToken;
    }

    void resumeToken(String token) {
        resumeToken = token;
    }

    boolean isGone() {
        return gone;
    }

    void markGone() {
        gone = true;
    }

    boolean isDropped() {
        return droppedAt >= 0;
    }

    long droppedAt() {
        return droppedAt;
    }

    void markDropped(long now) {
        droppedAt = now;
    }

    /** Attaches a new connection and hands back the whispers held while dropped. */
    List<String> reattach(Peer newPeer) {
        peer = newPeer;
        droppedAt = -1;
        List<String> held = List.copyOf(heldWhispers);
        heldWhispers.clear();
        return held;
    }

    /** Sends a whisper now, or holds it while the user is dropped (keeping the newest {@code limit}). */
    void deliverWhisper(String frame, int limit) {
        if (!isDropped()) {
            peer.send(frame);
        } else if (limit > 0) {
            if (heldWhispers.size() == limit) {
                heldWhispers.removeFirst();
            }
            heldWhispers.addLast(frame);
        }
    }

    @Override
    public String toString() {
        return peer.id();
    }
}
