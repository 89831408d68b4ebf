package parley.server.routing;

import org.junit.jupiter.api.Test;
import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatService;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;
import parley.server.chat.RecordingPeer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection's requests: answered in the order sent while one waits, and a bound on those waiting. */
class RequestQueueTest {
    private final EventCodec codec = new EventCodec();
    private final ChatService chat = ChatService.alone(codec, ChatLimits.defaults(), Clock.systemUTC());
    private final List<CompletableFuture<Outcome>> pending = new ArrayList<>();
    /** "rooms" waits until the test completes it; "auth" is answered at once. */
    private final EventRouter router = new EventRouter(codec, parley.server.metrics.Metrics.off())
            .on(ClientEvent.Rooms.class, (user, rooms) -> {
                var answer = new CompletableFuture<Outcome>();
                pending.add(answer);
                return answer;
            })
            .on(ClientEvent.Auth.class, (user, auth) -> CompletableFuture.completedFuture(Outcome.done()));
    private final RecordingPeer peer = new RecordingPeer("ann");
    private final ChatUser user = chat.connect(peer);

    @Test
    void requestsReadWhileOneWaitsAreAnsweredAfterItInOrder() {
        var queue = new RequestQueue(router, RequestGuard.unlimited(), peer, 10);
        queue.admit(CompletableFuture.completedFuture(user));
        peer.clear();

        queue.received("{\"type\":\"rooms\",\"ref\":\"1\"}");
        queue.received("{\"type\":\"auth\",\"password\":\"x\",\"ref\":\"2\"}");
        queue.received("{\"type\":\"rooms\",\"ref\":\"3\"}");
        assertThat(peer.received()).as("nothing answered while the first waits").isEmpty();

        pending.get(0).complete(Outcome.done());
        assertThat(peer.received()).containsExactly(new ServerEvent.Ok("1", null), new ServerEvent.Ok("2", null));
        pending.get(1).complete(Outcome.done());
        assertThat(peer.received(ServerEvent.Ok.class)).extracting(ServerEvent.Ok::ref).containsExactly("1", "2", "3");
    }

    @Test
    void framesBeforeTheUserIsKnownWaitForIt() {
        var queue = new RequestQueue(router, RequestGuard.unlimited(), peer, 10);
        var entering = new CompletableFuture<ChatUser>();
        queue.admit(entering);
        peer.clear();

        queue.received("{\"type\":\"auth\",\"password\":\"x\",\"ref\":\"early\"}");
        assertThat(peer.received()).isEmpty();
        entering.complete(user);

        assertThat(peer.received()).containsExactly(new ServerEvent.Ok("early", null));
    }

    @Test
    void theLimitOfWaitingRequestsHoldsAndOneMoreClosesWith1008() {
        var queue = new RequestQueue(router, RequestGuard.unlimited(), peer, 3);
        queue.admit(CompletableFuture.completedFuture(user));
        queue.received("{\"type\":\"rooms\",\"ref\":\"waits\"}");
        for (int i = 0; i < 3; i++) {
            queue.received("{\"type\":\"auth\",\"password\":\"x\"}");
        }
        assertThat(peer.closeCode()).as("three waiting: the limit").isZero();

        queue.received("{\"type\":\"auth\",\"password\":\"x\"}");

        assertThat(peer.closeCode()).isEqualTo(1008);
    }
}
