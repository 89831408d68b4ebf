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
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Enforces the message size limit on the raw byte stream, from WebSocket frame headers, before anything is
 * buffered: a client announcing a larger message (one frame, or fragments adding up) gets close code 1009
 * and is disconnected, however many bytes it still means to send. Sits right after the transport filter (after
 * TLS decryption when the port speaks TLS). Being the first to see a connection's bytes, it also hangs up on a
 * TLS client that reached a port without TLS, which would otherwise wait for an answer that never comes.
 */
final class FrameLimitFilter extends BaseFilter {
    private static final Logger log = LoggerFactory.getLogger(FrameLimitFilter.class);
    private static final int CLOSE_TOO_BIG = 1009;
    /** The first byte of every TLS connection (a handshake record); no HTTP request starts with it. */
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;
    private static final Attribute<FrameTracker> TRACKER =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameLimitFilter.class.getName() + ".tracker");

    private final int maxMessageBytes;

    FrameLimitFilter(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Installs the filter on a listener's chain. */
    static AddOn addOn(int maxMessageBytes) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                // It reads WebSocket frames, so it sits after TLS decryption when there is any.
                int tls = builder.indexOfType(SSLBaseFilter.class);
                int below = tls >= 0 ? tls : builder.indexOfType(TransportFilter.class);
                builder.add(below + 1, new FrameLimitFilter(maxMessageBytes));
            }
        };
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        FrameTracker tracker = TRACKER.get(connection);
        if (tracker == null) {
            tracker = new FrameTracker(maxMessageBytes);
            TRACKER.set(connection, tracker);
        }
        if (tracker.refused) {
            return ctx.getStopAction();
        }
        Buffer buffer = ctx.getMessage();
        if (tracker.isFirstRead() && buffer.hasRemaining() && buffer.get(buffer.position()) == TLS_HANDSHAKE_RECORD) {
            // A TLS client on a port that does not speak TLS: hang up at once, so it does not wait for an answer
            // to a "request" that never ends.
            log.info("Closing a connection from {}: TLS on a port without TLS", connection.getPeerAddress());
            tracker.refused = true;
            connection.closeSilently();
            return ctx.getStopAction();
        }
        if (!tracker.accept(buffer)) {
            tracker.refused = true;
            byte[] reason = ("messages are limited to " + maxMessageBytes + " bytes").getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[4 + reason.length];
            frame[0] = (byte) 0x88;
            frame[1] = (byte) (2 + reason.length);
            frame[2] = (byte) (CLOSE_TOO_BIG >> 8);
            frame[3] = (byte) CLOSE_TOO_BIG;
            System.arraycopy(reason, 0, frame, 4, reason.length);
            ctx.write(Buffers.wrap(connection.getMemoryManager(), frame));
            connection.closeSilently();
            return ctx.getStopAction();
        }
        return ctx.getInvokeAction();
    }

    /**
     * Follows one connection's bytes: first the HTTP upgrade request up to its blank line, then WebSocket
     * frames, skipping payloads and adding up the sizes of a fragmented message.
     */
    static final class FrameTracker {
        private final int maxMessageBytes;
        private boolean inFrames;
        private int httpTail;
        private final byte[] header = new byte[14];
        private int headerLength;
        private long payloadLeft;
        private long messageBytes;
        boolean refused;

        FrameTracker(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        /** Reads through the buffer without consuming it; false when a message exceeds the limit. */
        private boolean read;

        /** True on the connection's first read only. */
        boolean isFirstRead() {
            boolean first = !read;
            read = true;
            return first;
        }

        boolean accept(Buffer buffer) {
            int end = buffer.limit();
            int i = buffer.position();
            while (i < end) {
                if (!inFrames) {
                    i = skipHttp(buffer, i, end);
                } else if (payloadLeft > 0) {
                    long step = Math.min(payloadLeft, end - i);
                    payloadLeft -= step;
                    i += (int) step;
                } else {
                    header[headerLength++] = buffer.get(i++);
                    if (!headerComplete()) {
                        continue;
                    }
                    if (!frameFits()) {
                        return false;
                    }
                    headerLength = 0;
                }
            }
            return true;
        }

        /** Looks for the CR LF CR LF that ends the upgrade request; frames follow it. */
        private int skipHttp(Buffer buffer, int i, int end) {
            while (i < end && !inFrames) {
                byte b = buffer.get(i++);
                boolean expected = (httpTail % 2 == 0) ? b == '\r' : b == '\n';
                httpTail = expected ? httpTail + 1 : (b == '\r' ? 1 : 0);
                inFrames = httpTail == 4;
            }
            return i;
        }

        private boolean headerComplete() {
            if (headerLength < 2) {
                return false;
            }
            int lengthCode = header[1] & 0x7F;
            int needed = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            return headerLength >= needed;
        }

        private boolean frameFits() {
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
                return false;
            }
            int opcode = header[0] & 0x0F;
            boolean fin = (header[0] & 0x80) != 0;
            if (opcode < 0x8) {
                messageBytes = opcode == 0 ? messageBytes + length : length;
                if (messageBytes > maxMessageBytes) {
                    return false;
                }
                if (fin) {
                    messageBytes = 0;
                }
            }
            payloadLeft = length;
            return true;
        }
    }
}
