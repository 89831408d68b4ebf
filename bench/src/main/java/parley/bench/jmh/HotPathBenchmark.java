package parley.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;
import parley.server.chat.ChatLimits;
import parley.server.chat.ChatUser;
import parley.server.chat.EncodedEvent;
import parley.server.chat.ChatService;
import parley.server.chat.Peer;
import parley.server.routing.ChatHandlers;
import parley.server.routing.EventRouter;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The server's hot path without a network: decoding a client request, routing a room message to every
 * member (peers that only count), and encoding a room message once. Run with
 * {@code java -cp bench/target/parley-bench.jar org.openjdk.jmh.Main HotPath}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
    private static final String SAY = "{\"type\":\"say\",\"room\":\"bench\",\"text\":\"hello, this is a benchmark message\",\"ref\":\"7\"}";

    @Param({"1", "100", "1000"})
    int members;

    private final EventCodec codec = new EventCodec();
    private EventRouter router;
    private ChatUser sender;
    private final ServerEvent.Message message =
            new ServerEvent.Message("12345", "bench", "alice", "hello, this is a benchmark message", 1_732_400_000_000L);

    /** A connection that only counts what it is sent. */
    static final class CountingPeer implements Peer {
        long sent;

        @Override
        public String id() {
            return "bench";
        }

        @Override
        public void send(EncodedEvent event) {
            sent++;
        }

        @Override
        public void close(int closeCode, String reason) {
        }
    }

    @Setup(Level.Trial)
    public void fillRoom() {
        // History off: a stored message is then only counted, not kept, however long the run.
        var chat = ChatService.alone(codec, ChatLimits.defaults().withHistory(0, 0), Clock.systemUTC());
        router = ChatHandlers.router(chat, codec);
        for (int i = 0; i < members; i++) {
            ChatUser member = chat.connect(new CountingPeer());
            chat.join(member, "bench", null);
            if (sender == null) {
                sender = member;
            }
        }
    }

    @Benchmark
    public ClientEvent decodeClientRequest() throws ProtocolException {
        return codec.decodeClientEvent(SAY);
    }

    @Benchmark
    public String encodeRoomMessage() {
        return codec.encode(message);
    }

    /** Decode, check, store, encode once and hand to every member: divide by {@code members} for per delivery. */
    @Benchmark
    public void routeRoomMessage(Blackhole blackhole) {
        router.route(sender, SAY);
        blackhole.consume(sender);
    }
}
