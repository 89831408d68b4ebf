package parley.server.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connected person: their connection, current nickname and rooms. Created by {@link Chat#connect}.
 * Membership changes of one user are serialised on the user's monitor (lock order: user, then room).
 */
public final class ChatUser {
    private final Peer peer;
    private volatile String nick;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();
    private boolean disconnected;

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

    /** Guarded by this user's monitor. */
    boolean isDisconnected() {
        return disconnected;
    }

    /** Guarded by this user's monitor. */
    void markDisconnected() {
        disconnected = true;
    }

    @Override
    public String toString() {
        return peer.id();
    }
}
