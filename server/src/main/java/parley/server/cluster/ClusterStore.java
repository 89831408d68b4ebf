package parley.server.cluster;

import parley.protocol.ServerEvent;
import parley.server.chat.Backplane;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The state all nodes of a cluster share: nickname leases, room membership, numbered room history, sessions to
 * resume and an event bus to every node. It speaks of users and rooms only; {@link RedisClusterStore} decides how
 * that is kept. Every call returns at once; its stage fails with {@link parley.server.chat.ClusterUnavailable}
 * when the store cannot be reached.
 *
 * <p>Owners: a user is owned by {@code NODE/SERIAL}; a nickname or a seat holds {@code OWNER|NICK}.
 */
public interface ClusterStore {

    /** This node's id, unique in the cluster, safe in keys (letters and digits). */
    String nodeId();

    /**
     * Starts listening to the cluster's events; events are handed to {@code listener} on one thread, in order. A
     * node does not hear its own room messages: {@link #append} tells it their ids.
     */
    void start(Consumer<ClusterEvent> listener);

    void stop();

    /** Takes {@code count} guest numbers no node has had; completes with the last of them. */
    CompletionStage<Long> takeGuestNumbers(int count);

    /** Makes sure guest numbers given from now on are above {@code atLeast}. */
    CompletionStage<Void> raiseGuestNumbers(long atLeast);

    /** Gives a nickname to {@code newOwner} if nobody holds it or {@code oldOwner} does, under a lease. */
    CompletionStage<Boolean> takeNick(String nickKey, String oldOwner, String newOwner, String nick, long leaseMillis);

    /** Frees a nickname if this owner still holds it. */
    CompletionStage<Void> releaseNick(String nickKey, String owner);

    /** The nickname as its holder spells it, or null when nobody holds it. */
    CompletionStage<String> nickHolder(String nickKey);

    /** One seat this node holds: a user in a room. */
    record Seat(String roomKey, String roomName, String nickKey, String owner, String nick) {
    }

    /**
     * Seats a member, creating the room. Completes with the room's name as its first member spelled it, the
     * members seated by other nodes (and the away messages of those away), the room's last id, its newest
     * {@code recent} messages and its control. Fails while the store has no lease of this node (it lost it): the
     * node must put its seats back first. The store remembers when each member was seated.
     */
    CompletionStage<Entry> enter(Seat seat, int recent);

    record Entry(String roomName, List<String> membersElsewhere, Map<String, String> awayElsewhere, long lastId,
                 List<StoredMessage> recent, StoredControl control) {
    }

    /** A room's control as {@link ControlJson} writes it, under its version (0 and null: none yet). */
    record StoredControl(long version, String json) {
        public static final StoredControl NONE = new StoredControl(0, null);
    }

    /**
     * Stores a room's control if the stored one is still at {@code expectedVersion} and the room has members, and
     * then publishes {@code event} (whose version is the next one); false when another node changed it first.
     */
    CompletionStage<Boolean> saveControl(String roomKey, long expectedVersion, String json, ClusterEvent.ControlChange event);

    CompletionStage<StoredControl> loadControl(String roomKey);

    /**
     * Puts a room's control back under this version, unless the store has a newer one or the room has no members:
     * for a store that lost it (restarted empty), or changes made while the node could not reach it.
     */
    CompletionStage<Void> restoreControl(String roomKey, long version, String json);

    /** How the member of the room with this nickname key spells it, or null when nobody with it is seated there. */
    CompletionStage<String> memberNick(String roomKey, String nickKey);

    /** The nickname of the member seated longest in the room, or null. */
    CompletionStage<String> longestMember(String roomKey);

    /** Keeps what {@code whois} shows of a user (as {@link ControlJson} writes it), and their away message. */
    CompletionStage<Void> saveProfile(String nickKey, String json, String away, long ttlMillis);

    CompletionStage<String> loadProfile(String nickKey);

    /** The profiles of every user whose nickname is held now (as {@link ControlJson} writes them). */
    CompletionStage<List<String>> profiles();

    /** The user is gone: profile and away message go. */
    CompletionStage<Void> deleteProfile(String nickKey);

    /** Removes a member if this owner still holds the seat; an emptied room loses its counter and history. */
    CompletionStage<Void> removeMember(String roomKey, String nickKey, String owner);

    /** Moves a member's seat to a new nickname in each of these rooms. */
    CompletionStage<Void> renameMember(List<String> roomKeys, String oldNickKey, String newNickKey, String owner,
                                       String nick);

    CompletionStage<Boolean> hasMembers(String roomKey);

    /** The rooms that have members, with their member counts, sorted by name. */
    CompletionStage<List<ServerEvent.RoomInfo>> rooms();

    /**
     * A message to number, store and announce in one step. Its event is {@code jsonHead + id + jsonTail}: the store
     * writes the id it gives.
     */
    record Post(String roomKey, String origin, long serial, String from, String text, String kind, long timestamp,
                String jsonHead, String jsonTail) {
    }

    /**
     * Stores a message under the room's next id and publishes it to every node; the id is above {@code floor} (the
     * highest id the caller has shown) whatever the store remembers, so ids never repeat, even after the store
     * lost its data. Completes with the id.
     */
    CompletionStage<Long> append(Post post, int keep, long floor);

    /** A message as stored, with the node and serial of its {@link Post}. */
    record StoredMessage(ServerEvent.Message message, String origin, long serial) {
    }

    /** Each room's last id, 0 for a room with none. */
    CompletionStage<List<Long>> lastIds(List<String> roomKeys);

    /** Raises the room's counter to at least {@code atLeast}; completes with the counter as it was. */
    CompletionStage<Long> raiseLastId(String roomKey, long atLeast);

    /** Stored messages with ids in [from, to], oldest first, at most {@code count}, newest kept when cut. */
    CompletionStage<List<StoredMessage>> history(String roomKey, String roomName, long from, long to, int count);

    CompletionStage<Void> publish(ClusterEvent event);

    CompletionStage<Void> saveSession(String token, Backplane.Session session, long ttlMillis);

    CompletionStage<Backplane.Session> loadSession(String token);

    CompletionStage<Void> deleteSession(String token);

    /** A seat that a sync or sweep added or removed: who, in which room. */
    record SeatChange(String roomKey, String roomName, String nick) {
    }

    record SyncResult(List<SeatChange> removed, List<SeatChange> added) {
    }

    /**
     * One local user's leases: the nickname and the session. {@code connected} is false while the user's connection
     * is lost and it may resume, here or on another node.
     */
    record UserLease(String nickKey, String owner, String nick, String resumeToken, Backplane.Session session,
                     boolean connected) {
    }

    /**
     * Renews this node's lease, its users' nickname leases and sessions. True when the store had lost this node
     * (first contact, a restarted store, or its lease ran out): the caller then puts its state back.
     */
    CompletionStage<Boolean> renew(List<UserLease> users, long leaseMillis, long sessionTtlMillis);

    /** Makes the store's record of this node's seats exactly {@code seats}. */
    CompletionStage<SyncResult> syncSeats(List<Seat> seats);

    /** How many nodes are registered in the cluster now. */
    CompletionStage<Long> liveNodes();

    /** Frees the seats of nodes whose lease has run out; each is swept by one node only. */
    CompletionStage<List<SeatChange>> sweepDeadNodes();
}
