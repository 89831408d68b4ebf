package parley.server.transport;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Reads every connection's raw byte stream, frame header by frame header, before anything is buffered, and
 * ends the connection for what a well-behaved client never does:
 * <ul>
 *   <li>a message larger than the limit (one frame, or fragments adding up): close 1009, decided from the header,
 *       however many bytes it still means to send;</li>
 *   <li>a frame without a mask (RFC 6455 §5.1: every client frame is masked): close 1002;</li>
 *   <li>pings and pongs faster than the control-frame rate: close 1008 (a ping flood would otherwise make the
 *       server queue one pong per ping);</li>
 *   <li>a ping while the pongs and events already queued for the client pass the outbound limit: the client
 *       does not read, and is closed as a slow consumer (4000) like any other.</li>
 * </ul>
 * Its close frames linger ({@link LingeringClose}) so that they reach a client that is still writing. Sits right
 * after the transport filter, or after TLS decryption when the port speaks TLS. Being the first to see a
 * connection's plain bytes, it also hangs up on a TLS client that reached a port without TLS, which would
 * otherwise wait for an answer that never comes, and it tells the {@link ConnectionGuard} when the handshake
 * is answered with 101.
 */
final class FrameLimitFilter extends BaseFilter {
    private static final Logger log = LoggerFactory.getLogger(FrameLimitFilter.class);
    private static final int CLOSE_PROTOCOL_ERROR = 1002;
    private static final int CLOSE_POLICY_VIOLATION = 1008;
    private static final int CLOSE_TOO_BIG = 1009;
    /** The first byte of every TLS connection (a handshake record); no HTTP request starts with it. */
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;
    private static final byte[] SWITCHING_PROTOCOLS = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);
    private static final Attribute<FrameTracker> TRACKER =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameLimitFilter.class.getName() + ".tracker");

    private final TransportLimits limits;
    private final ScheduledExecutorService timers;

    FrameLimitFilter(TransportLimits limits, ScheduledExecutorService timers) {
        this.limits = limits;
        this.timers = timers;
    }

    /** Installs the filter on a listener's chain. */
    static AddOn addOn(TransportLimits limits, ScheduledExecutorService timers) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                // It reads WebSocket frames, so it sits after TLS decryption when there is any.
                int tls = builder.indexOfType(SSLBaseFilter.class);
                int below = tls >= 0 ? tls : builder.indexOfType(TransportFilter.class);
                builder.add(below + 1, new FrameLimitFilter(limits, timers));
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        FrameTracker tracker = TRACKER.get(connection);
        if (tracker == null) {
            tracker = new FrameTracker(limits.maxFrameBytes(), limits.controlFramesPerSecond());
            TRACKER.set(connection, tracker);
        }
        Buffer buffer = ctx.getMessage();
        if (tracker.refused) {
            buffer.tryDispose();
            return ctx.getStopAction();
        }
        if (tracker.isFirstRead() && buffer.hasRemaining() && buffer.get(buffer.position()) == TLS_HANDSHAKE_RECORD) {
            // A TLS client on a port that does not speak TLS: hang up at once, so it does not wait for an answer
            // to a "request" that never ends.
            log.info("Closing a connection from {}: TLS on a port without TLS", connection.getPeerAddress());
            tracker.refused = true;
            connection.closeSilently();
            return ctx.getStopAction();
        }
        Verdict verdict = tracker.accept(buffer, System.nanoTime());
        switch (verdict) {
            case FITS -> {
                return ctx.getInvokeAction();
            }
            case PINGED -> {
                if (queuedBytes(connection) > limits.maxOutboundBytes()) {
                    closeSlowConsumer(connection, tracker);
                    return ctx.getStopAction();
                }
                return ctx.getInvokeAction();
            }
            case TOO_BIG -> refuse(ctx, tracker, CLOSE_TOO_BIG, "messages are limited to " + limits.maxFrameBytes() + " bytes");
            case UNMASKED -> refuse(ctx, tracker, CLOSE_PROTOCOL_ERROR, "client frames must be masked");
            case CONTROL_FLOOD -> refuse(ctx, tracker, CLOSE_POLICY_VIOLATION,
                    "more than " + limits.controlFramesPerSecond() + " pings and pongs per second");
        }
        return ctx.getStopAction();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        WebSocketPeer peer = WebSocketPeer.of(connection);
        if (peer != null) {
            // Tyrus writes a close, ping or pong: the event frames held for the end of the read batch go first.
            peer.flushHeldBeforeOtherWrites();
        }
        // Frames of an open WebSocket bypass the chain (WebSocketPeer) or come after the 101, so this check
        // costs a comparison only until the handshake is answered.
        FrameTracker tracker = TRACKER.get(connection);
        if (tracker != null && !tracker.upgraded && ctx.getMessage() instanceof Buffer buffer && startsWith(buffer, SWITCHING_PROTOCOLS)) {
            tracker.upgraded = true;
            tracker.framesFollow();
            ConnectionGuard.upgraded(connection);
        }
        return ctx.getInvokeAction();
    }

    private static boolean startsWith(Buffer buffer, byte[] prefix) {
        if (buffer.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buffer.get(buffer.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Sends a close frame and ends the connection, dropping whatever else the client sends meanwhile. */
    private void refuse(FilterChainContext ctx, FrameTracker tracker, int closeCode, String reason) {
        Connection<?> connection = ctx.getConnection();
        log.info("Closing a connection from {} with {}: {}", connection.getPeerAddress(), closeCode, reason);
        tracker.refused = true;
        byte[] frame = WebSocketPeer.closeFrame(closeCode, reason);
        WebSocketPeer peer = WebSocketPeer.of(connection);
        if (peer != null) {
            peer.closedByTransport(closeCode);
            peer.flushHeldBeforeOtherWrites();
        }
        LingeringClose.writeThenClose(ctx, Buffers.wrap(connection.getMemoryManager(), frame), timers);
    }

    private void closeSlowConsumer(Connection<?> connection, FrameTracker tracker) {
        log.info("Closing a connection from {}: slow consumer, more than {} bytes waiting (it pings and does not read)",
                connection.getPeerAddress(), limits.maxOutboundBytes());
        tracker.refused = true;
        WebSocketPeer peer = WebSocketPeer.of(connection);
        if (peer != null) {
            peer.closeSlowConsumer();
        } else {
            connection.terminateSilently();
        }
    }

    /** Bytes waiting in the connection's write queue: events, pongs, close frames alike. */
    private static long queuedBytes(Connection<?> connection) {
        return connection instanceof NIOConnection nio ? nio.getAsyncWriteQueue().spaceInBytes() : 0;
    }

    /** What a read showed. */
    enum Verdict { FITS, PINGED, TOO_BIG, UNMASKED, CONTROL_FLOOD }

    /**
     * Follows one connection's bytes: first the HTTP upgrade request up to its blank line, then WebSocket
     * frames, skipping payloads, adding up the sizes of a fragmented message and counting control frames. A
     * request that asks for no upgrade (a page like {@code /health}, {@code /metrics} or {@code /admin}, perhaps
     * with a body, perhaps followed by more requests on the same connection) is plain HTTP: nothing after it is
     * read as frames unless the server answers a later request with 101.
     */
    static final class FrameTracker {
        /** The most of a request's head looked at for its Upgrade header. */
        private static final int MAX_HEAD = 16 * 1024;
        private final int maxMessageBytes;
        private final ControlFrameBucket controlFrames;
        private boolean inFrames;
        private boolean plainHttp;
        private StringBuilder head = new StringBuilder();
        private int httpTail;
        private final byte[] header = new byte[14];
        private int headerLength;
        private long payloadLeft;
        private long messageBytes;
        private boolean read;
        volatile boolean refused;
        volatile boolean upgraded;

        FrameTracker(int maxMessageBytes, int controlFramesPerSecond) {
            this.maxMessageBytes = maxMessageBytes;
            this.controlFrames = controlFramesPerSecond > 0 ? new ControlFrameBucket(controlFramesPerSecond) : null;
        }

        /** True on the connection's first read only. */
        boolean isFirstRead() {
            boolean first = !read;
            read = true;
            return first;
        }

        /** Reads through the buffer without consuming it and says what it held; anything but FITS or PINGED ends the connection. */
        Verdict accept(Buffer buffer, long nowNanos) {
            if (plainHttp) {
                return Verdict.FITS;
            }
            int end = buffer.limit();
            int i = buffer.position();
            Verdict verdict = Verdict.FITS;
            while (i < end) {
                if (!inFrames) {
                    i = skipHttp(buffer, i, end);
                    if (plainHttp) {
                        return Verdict.FITS;
                    }
                } else if (payloadLeft > 0) {
                    long step = Math.min(payloadLeft, end - i);
                    payloadLeft -= step;
                    i += (int) step;
                } else {
                    header[headerLength++] = buffer.get(i++);
                    if (!headerComplete()) {
                        continue;
                    }
                    Verdict frame = frame(nowNanos);
                    if (frame != Verdict.FITS && frame != Verdict.PINGED) {
                        return frame;
                    }
                    if (frame == Verdict.PINGED) {
                        verdict = frame;
                    }
                    headerLength = 0;
                }
            }
            return verdict;
        }

        /**
         * Looks for the CR LF CR LF that ends the request's head: frames follow it when the request asks for a
         * WebSocket upgrade; otherwise the connection is plain HTTP.
         */
        private int skipHttp(Buffer buffer, int i, int end) {
            while (i < end && !inFrames && !plainHttp) {
                byte b = buffer.get(i++);
                if (head != null && head.length() < MAX_HEAD) {
                    head.append((char) Character.toLowerCase(b & 0xFF));
                }
                boolean expected = (httpTail % 2 == 0) ? b == '\r' : b == '\n';
                httpTail = expected ? httpTail + 1 : (b == '\r' ? 1 : 0);
                if (httpTail == 4) {
                    boolean upgrade = head != null && head.toString().matches("(?s).*\\r\\nupgrade:[ \\t]*websocket.*");
                    head = null;
                    inFrames = upgrade;
                    plainHttp = !upgrade;
                }
            }
            return i;
        }

        /** The server answered 101: whatever comes next is frames, also on a connection that was plain HTTP. */
        void framesFollow() {
            if (plainHttp) {
                plainHttp = false;
                inFrames = true;
                headerLength = 0;
                payloadLeft = 0;
            }
        }

        private boolean headerComplete() {
            if (headerLength < 2) {
                return false;
            }
            int lengthCode = header[1] & 0x7F;
            int needed = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            return headerLength >= needed;
        }

        private Verdict frame(long nowNanos) {
            if ((header[1] & 0x80) == 0) {
                return Verdict.UNMASKED;
            }
            int lengthCode = header[1] & 0x7F;
            long length;
            if (lengthCode < 126) {
                length = lengthCode;
            } else if (lengthCode == 126) {
                length = ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
            } else {
                length = 0;
                for (int k = 2; k < 10; k++) {
                    length = (length << 8) | (header[k] & 0xFFL);
                }
            }
            if (length < 0) {
                return Verdict.TOO_BIG;
            }
            payloadLeft = length;
            int opcode = header[0] & 0x0F;
            boolean fin = (header[0] & 0x80) != 0;
            if (opcode < 0x8) {
                messageBytes = opcode == 0 ? messageBytes + length : length;
                if (messageBytes > maxMessageBytes) {
                    return Verdict.TOO_BIG;
                }
                if (fin) {
                    messageBytes = 0;
                }
                return Verdict.FITS;
            }
            if (opcode == PING || opcode == PONG) {
                if (controlFrames != null && !controlFrames.take(nowNanos)) {
                    return Verdict.CONTROL_FLOOD;
                }
                return opcode == PING ? Verdict.PINGED : Verdict.FITS;
            }
            return Verdict.FITS;
        }

        private static final int PING = 0x9;
        private static final int PONG = 0xA;
    }

    /** A token bucket for pings and pongs: so many per second, bursts of twice that. */
    static final class ControlFrameBucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long lastNanos = Long.MIN_VALUE;

        ControlFrameBucket(int perSecond) {
            this.perNano = perSecond / 1e9;
            this.capacity = 2.0 * perSecond;
            this.tokens = capacity;
        }

        boolean take(long nowNanos) {
            if (lastNanos != Long.MIN_VALUE) {
                tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
            }
            lastNanos = nowNanos;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
