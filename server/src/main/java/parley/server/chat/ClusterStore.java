package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.List;
import java.util.function.Consumer;

/**
 * What {@link ClusterChat} needs from the state that all nodes of a cluster share: nickname leases, room
 * membership, numbered room history, resume records and an event bus to every node. It speaks of users and rooms
 * only; the Redis adapter in {@code parley.server.cluster} decides how that is stored. Every call may throw
 * {@link Unavailable} when the shared store cannot be reached; the chat then serves its own users alone.
 *
 * <p>Owners: a user is owned by {@code NODE/SERIAL}; a nickname or membership holds {@code OWNER|NICK}.
 */
public interface ClusterStore {

    /** The shared store cannot be reached now. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** This node's id, unique in the cluster, safe in keys (letters and digits). */
    String nodeId();

    /** Whether the last contact with the store worked; cheap, no network. */
    boolean isUp();

    /** Starts listening to the cluster's events; events are handed to {@code listener} on one thread, in order. */
    void start(Consumer<ClusterEvent> listener);

    void stop();

    long nextGuestNumber();

    /** Claims a nickname for an owner with a lease; false when someone else holds it. */
    boolean claimNick(String nickKey, String owner, String nick, long leaseMillis);

    /** Frees a nickname if this owner still holds it. */
    void releaseNick(String nickKey, String owner);

    /** Gives a nickname held by {@code oldOwner} (or by nobody, its lease run out) to {@code newOwner}. */
    boolean takeOverNick(String nickKey, String oldOwner, String newOwner, String nick, long leaseMillis);

    /** The nickname as its holder spells it, or null when nobody holds it. */
    String nickHolder(String nickKey);

    /** Adds a member to a room, creating it; tells the room's canonical name and whether the nick was not yet in. */
    Membership addMember(String roomKey, String roomName, String nickKey, String owner, String nick);

    record Membership(String roomName, boolean newInRoom) {
    }

    /** Removes a member if this owner still holds the seat; an emptied room loses its counter and history. */
    void removeMember(String roomKey, String nickKey, String owner);

    /** Moves a member's seat to a new nickname in each of these rooms. */
    void renameMember(List<String> roomKeys, String oldNickKey, String newNickKey, String owner, String nick);

    /** The room's members as they spell themselves. */
    List<String> members(String roomKey);

    /** The rooms that have members, with their member counts. */
    List<ServerEvent.RoomInfo> rooms();

    /**
     * Stores a message under the room's next id and returns that id, which is above {@code floor} (the highest id
     * the caller has shown) whatever the store remembers: ids never repeat, even after the store lost its data.
     */
    long append(String roomKey, String from, String text, long timestamp, int keep, long floor);

    /** The room's last id, 0 when it has none. */
    long lastId(String roomKey);

    /** Raises the room's counter to at least {@code atLeast}; returns the counter as it was. */
    long raiseLastId(String roomKey, long atLeast);

    /** Stored messages with ids in [from, to], oldest first, at most {@code count}, newest kept when cut. */
    List<ServerEvent.Message> history(String roomKey, String roomName, long from, long to, int count);

    void publish(ClusterEvent event);

    /** A user's session, for resuming on any node. */
    record ResumeRecord(String owner, String nick, List<RoomRef> rooms) {
    }

    record RoomRef(String key, String name) {
    }

    void saveResume(String token, ResumeRecord record, long ttlMillis);

    ResumeRecord loadResume(String token);

    void deleteResume(String token);

    /** One seat this node holds: a user in a room. */
    record Seat(String roomKey, String roomName, String nickKey, String owner, String nick) {
    }

    /** A seat that a sync or sweep added or removed: who, in which room. */
    record SeatChange(String roomKey, String roomName, String nick) {
    }

    record SyncResult(List<SeatChange> removed, List<SeatChange> added) {
    }

    /** One local user's leases: the nickname and the resume record. */
    record UserLease(String nickKey, String owner, String nick, String resumeToken, ResumeRecord resume) {
    }

    /**
     * Renews this node's lease, its users' nickname leases and resume records. True when the store had lost this
     * node (first contact, a restarted store, or its lease ran out): the caller then calls {@link #syncSeats}.
     */
    boolean renew(List<UserLease> users, long leaseMillis, long resumeTtlMillis);

    /** Makes the store's record of this node's seats exactly {@code seats}. */
    SyncResult syncSeats(List<Seat> seats);

    /** Frees the seats of nodes whose lease has run out; each is swept by one node only. */
    List<SeatChange> sweepDeadNodes();
}
