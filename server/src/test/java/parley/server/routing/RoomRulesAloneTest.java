package parley.server.routing;

import parley.protocol.EventCodec;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;

import java.time.Clock;

/** The room rules on a server alone. */
class RoomRulesAloneTest extends RoomRulesTest {
    @Override
    ChatService newChat(EventCodec codec, ChatLimits limits, Clock clock) {
        return ChatService.alone(codec, limits, clock);
    }
}
