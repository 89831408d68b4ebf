package parley.server.cluster;

import java.util.List;

/** What one node of a cluster tells all the others (and itself) over the store's event bus. */
public sealed interface ClusterEvent {

    /** The node that sent the event. */
    String origin();

    /**
     * A stored room message; {@code json} is the encoded {@code message} event, {@code serial} the number its node
     * gave it (to recognise its own messages that it has shown already).
     */
    record RoomMessage(String origin, String roomKey, long id, long serial, String json) implements ClusterEvent {
    }

    /** An event for every member of a room on other nodes (presence). */
    record RoomEvent(String origin, String roomKey, String json) implements ClusterEvent {
    }

    /**
     * A room's control changed to {@code controlJson} (its version in the store is {@code version}); the members on
     * other nodes get {@code events}, and the member of {@code evictNickKey} (or none when empty) leaves the room.
     */
    record ControlChange(String origin, String roomKey, long version, String controlJson, List<String> events,
                         String evictNickKey) implements ClusterEvent {
    }

    /** An event (a nickname change, an away message) for every member of these rooms on other nodes, once each. */
    record NickChange(String origin, List<String> roomKeys, String json) implements ClusterEvent {
    }

    /** An event (an invitation) for whoever holds this nickname on their node, sent once and not kept. */
    record Direct(String origin, String nickKey, String json) implements ClusterEvent {
    }

    /** An administrator removes whoever holds this nickname on their node. */
    record Remove(String origin, String nickKey, String reason) implements ClusterEvent {
    }

    /** A notice from administrators for everyone on every node, or the members of a room ({@code roomKey} "" for all). */
    record Notice(String origin, String roomKey, String json) implements ClusterEvent {
    }

    /** A whisper for whoever holds this nickname on their node. */
    record Whisper(String origin, String nickKey, String json) implements ClusterEvent {
    }

    /** A user resumed on the origin node: the node that held them lets them go, silently. */
    record Takeover(String origin, String owner) implements ClusterEvent {
    }
}
