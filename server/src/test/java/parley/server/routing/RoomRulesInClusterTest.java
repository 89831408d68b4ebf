package parley.server.routing;

import parley.protocol.EventCodec;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.cluster.MemoryClusterStore;
import parley.server.cluster.TestNodes;

import java.time.Clock;

/** The room rules on one node of a cluster, on the in-memory store. */
class RoomRulesInClusterTest extends RoomRulesTest {
    @Override
    ChatService newChat(EventCodec codec, ChatLimits limits, Clock clock) {
        return TestNodes.node(codec, limits, clock, new MemoryClusterStore());
    }
}
