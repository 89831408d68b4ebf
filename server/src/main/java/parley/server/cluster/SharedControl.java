package parley.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.Backplane;
import parley.server.chat.ChatUser;
import parley.server.chat.EncodedEvent;
import parley.server.chat.Names;
import parley.server.chat.Room;
import parley.server.chat.RoomControl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How rooms are run, and what whois shows of people, shared among the nodes. A room's control (topic, roles,
 * modes, bans, invitations) is one versioned document in the store: a node changes its own copy at once, then
 * stores it if nobody changed it meanwhile; otherwise it takes the stored one, makes its change again on top
 * and tries again. Stored, the change is published with its events, and the other nodes take it. A user's
 * profile (address, rooms, away, activity) is written by the node that holds them.
 */
final class SharedControl {
    private static final Logger log = LoggerFactory.getLogger(SharedControl.class);
    /** How often a change of control is tried again on top of another node's before it is given up. */
    private static final int ATTEMPTS = 5;
    private static final String MODE_EVENT = "{\"type\":\"mode\"";
    /** How long a user's profile stays in the store without a change; activity refreshes it. */
    private static final long PROFILE_TTL_MILLIS = TimeUnit.DAYS.toMillis(7);
    /** How often, at most, a user's activity is written (whois on another node shows idle time). */
    private static final long ACTIVITY_EVERY_MILLIS = 30_000;

    private final ClusterStore store;
    private final String node;
    private final Reachability reach;
    private final Executor background;
    private final Consumer<Supplier<CompletionStage<?>>> inBackground;
    /** When each user's profile was last written, to write activity at most every {@link #ACTIVITY_EVERY_MILLIS}. */
    private final ConcurrentMap<ChatUser, Long> profileWrittenAt = new ConcurrentHashMap<>();

    /**
     * @param inBackground runs a store call nobody waits for, off the caller's thread, noting failures
     */
    SharedControl(ClusterStore store, Reachability reach, Executor background,
                  Consumer<Supplier<CompletionStage<?>>> inBackground) {
        this.store = store;
        this.node = store.nodeId();
        this.reach = reach;
        this.background = background;
        this.inBackground = inBackground;
    }

    /** The room's control changed here: stores and publishes it; completes once stored (or given up). */
    CompletionStage<Void> changed(Room room, RoomControl.Change change, List<EncodedEvent> events, String evictNickKey) {
        if (!reach.isInCluster()) {
            // While out of reach, the room is run here alone; its control goes back to the store with the node's
            // seats when the node is back (Leases), and every change after that shares the whole of it.
            return CompletableFuture.completedFuture(null);
        }
        List<String> jsons = events.stream().map(EncodedEvent::json).toList();
        CompletableFuture<Void> shared = new CompletableFuture<>();
        background.execute(() -> commit(room, change, jsons, evictNickKey, ATTEMPTS, shared));
        return shared;
    }

    /**
     * Stores the room's control as it is here, if nobody changed it in the store meanwhile; else takes the store's,
     * makes the change again on top of it, and tries again. Stored, it is published with the events.
     */
    private void commit(Room room, RoomControl.Change change, List<String> events, String evictNickKey,
                        int attempts, CompletableFuture<Void> shared) {
        RoomControl control;
        long version;
        synchronized (room) {
            control = room.control();
            version = room.controlVersion();
        }
        String json = ControlJson.encode(control);
        var event = new ClusterEvent.ControlChange(node, room.key(), version + 1, json, events, evictNickKey);
        store.saveControl(room.key(), version, json, event).whenCompleteAsync((saved, failure) -> {
            if (failure != null) {
                if (!reach.failed(failure)) {
                    log.warn("The control of {} could not be stored: {}", room.name(), failure.toString());
                }
                shared.complete(null);
            } else if (saved) {
                synchronized (room) {
                    room.adoptControl(room.control(), version + 1);
                }
                refreshProfilesOnModeChange(room, events);
                shared.complete(null);
            } else if (attempts > 1) {
                store.loadControl(room.key()).thenCompose(stored -> {
                    if (stored.version() < version) {
                        // The store lost what this node has (it restarted empty): it gets the whole of it back.
                        return store.restoreControl(room.key(), version, json);
                    }
                    synchronized (room) {
                        room.rebase(ControlJson.decode(stored.json()), stored.version(), change);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                }).whenCompleteAsync((ready, loadFailure) -> {
                    if (loadFailure == null) {
                        commit(room, change, events, evictNickKey, attempts - 1, shared);
                    } else {
                        shared.complete(null);
                    }
                }, background);
            } else {
                log.warn("The control of {} changed on other nodes {} times in a row; this change is kept here only",
                        room.name(), ATTEMPTS);
                shared.complete(null);
            }
        }, background);
    }

    /** The node is back in a store that may have lost rooms' controls: they go back, unless it has newer ones. */
    void putBack(List<Room> rooms) {
        for (Room room : rooms) {
            long version;
            RoomControl control;
            synchronized (room) {
                version = room.controlVersion();
                control = room.control();
            }
            if (version > 0 || control != RoomControl.NONE) {
                inBackground.accept(() -> store.restoreControl(room.key(), version, ControlJson.encode(control)));
            }
        }
    }

    /** Another node changed a room's control: the room here takes it, its members get the events. */
    void received(ClusterEvent.ControlChange change, Backplane.Here chat) {
        Room room = chat.room(change.roomKey());
        if (room == null) {
            return;
        }
        synchronized (room) {
            room.adoptControl(ControlJson.decode(change.controlJson()), change.version());
            change.events().forEach(json -> room.sendToListening(new EncodedEvent(json), null));
        }
        if (change.evictNickKey() != null) {
            chat.evict(change.roomKey(), change.evictNickKey());
        }
        refreshProfilesOnModeChange(room, change.events());
    }

    /**
     * Whois on other nodes hides invite-only rooms: the profiles of this room's members here say whether it is,
     * so they are written again when its modes change.
     */
    private void refreshProfilesOnModeChange(Room room, List<String> events) {
        if (events.stream().anyMatch(json -> json.startsWith(MODE_EVENT))) {
            List<ChatUser> members;
            synchronized (room) {
                members = List.copyOf(room.members());
            }
            members.forEach(this::saveProfile);
        }
    }

    /** The user said or whispered something: written at most every {@link #ACTIVITY_EVERY_MILLIS}. */
    void active(ChatUser user) {
        Long written = profileWrittenAt.get(user);
        if (written == null || user.activeAt() - written >= ACTIVITY_EVERY_MILLIS) {
            saveProfile(user);
        }
    }

    /** Writes what whois shows of the user on other nodes, and their away message. */
    void saveProfile(ChatUser user) {
        if (user.isGone()) {
            return;
        }
        List<String> rooms = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        for (Room room : user.rooms()) {
            synchronized (room) {
                rooms.add(room.name());
                if (room.control().inviteOnly()) {
                    hidden.add(room.name());
                }
            }
        }
        String nick = user.nick();
        var profile = new Backplane.Profile(nick, user.peer().address(), user.peer().secure(), user.connectedAt(),
                user.activeAt(), user.away(), rooms, hidden, user.isDropped(), node);
        profileWrittenAt.put(user, user.activeAt());
        String json = ControlJson.encode(profile);
        inBackground.accept(() -> store.saveProfile(Names.key(nick), json, profile.away(), PROFILE_TTL_MILLIS));
    }

    /** The user is gone from this node. */
    void forget(ChatUser user) {
        profileWrittenAt.remove(user);
    }
}
