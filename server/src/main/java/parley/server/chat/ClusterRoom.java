package parley.server.chat;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * A room as one node of a cluster sees it: the members connected here, and how far this node has shown the
 * room's numbered messages. Messages arrive from the cluster in any order and are shown in id order; every
 * field is guarded by the room's monitor.
 */
final class ClusterRoom {
    final String key;
    String name;
    final Set<ChatUser> members = new LinkedHashSet<>();
    /** Members who resumed and have not joined again yet: they catch up with "since", not live. */
    final Set<ChatUser> awaitingRejoin = new HashSet<>();
    /** The last cluster id taken in order, shown or counted as missed; -1 until read from the store. */
    long lastClusterId = -1;
    /** The last id shown to members: cluster ids, and ids given here while the store was out of reach. */
    long lastShownId;
    /** Messages that arrived ahead of their turn; a null value is a message that can no longer be had. */
    final TreeMap<Long, EncodedEvent> waiting = new TreeMap<>();
    boolean closed;

    ClusterRoom(String key, String name) {
        this.key = key;
        this.name = name;
    }

    boolean isSynced() {
        return lastClusterId >= 0;
    }

    boolean isListening(ChatUser member) {
        return awaitingRejoin.isEmpty() || !awaitingRejoin.contains(member);
    }

    void sendToListening(EncodedEvent frame, ChatUser except) {
        for (ChatUser member : members) {
            if (member != except && isListening(member)) {
                member.peer().send(frame);
            }
        }
    }
}
