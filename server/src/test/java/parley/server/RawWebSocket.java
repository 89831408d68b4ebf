package parley.server;

import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A WebSocket client written on a plain socket, for what well-behaved clients never do: stop reading, ignore
 * pings, vanish without a close frame, send oversized, fragmented or binary frames. Not thread-safe.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    private static final EventCodec CODEC = new EventCodec();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A frame as received. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(int port, String query) throws IOException {
        return connect(port, query, 0);
    }

    /** @param receiveBuffer socket receive buffer size, 0 for the system default (small makes a stall show fast) */
    public static RawWebSocket connect(int port, String query, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(10_000);
        RawWebSocket raw = new RawWebSocket(socket);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET /chat" + (query == null ? "" : "?" + query) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
        raw.out.flush();
        String status = raw.readHttpHead();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + status);
        }
        return raw;
    }

    private String readHttpHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during handshake");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one masked frame, as clients must. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write(maskedFrame(opcode, fin, payload));
        out.flush();
    }

    /** Sends these texts as masked frames in one write, so that the server reads them in one go. */
    public void sendTextsTogether(String... texts) throws IOException {
        var all = new ByteArrayOutputStream();
        for (String text : texts) {
            all.write(maskedFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8)));
        }
        sendRaw(all.toByteArray());
    }

    private static byte[] maskedFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        var frame = new ByteArrayOutputStream(payload.length + 14);
        writeHeader(frame, opcode, fin, payload.length);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Sends one frame without a mask, which RFC 6455 forbids a client to do. */
    public void sendUnmasked(int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        out.write(payload.length);
        out.write(payload);
        out.flush();
    }

    /** Writes these bytes as they are, for frames built by hand in bulk. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** {@code count} masked pings with 125-byte payloads, back to back, in one array. */
    public static byte[] pings(int count) {
        byte[] one = new byte[2 + 4 + 125];
        one[0] = (byte) (0x80 | PING);
        one[1] = (byte) (0x80 | 125);
        byte[] all = new byte[one.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    /** Announces a frame of this length and sends no payload: what a memory-exhaustion attack starts with. */
    public void sendHeaderOnly(int opcode, long declaredLength) throws IOException {
        writeHeader(out, opcode, true, declaredLength);
        out.write(new byte[4]);
        out.flush();
    }

    private static void writeHeader(OutputStream out, int opcode, boolean fin, long length) throws IOException {
        out.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >> shift));
            }
        }
    }

    /** Reads the next frame, whatever it is; pings are not answered. */
    public Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads until a server event of this type matching the predicate arrives. */
    public <E extends ServerEvent> E await(Class<E> type, Predicate<E> matching) throws IOException {
        return await(type, matching, null);
    }

    /** Like {@link #await(Class, Predicate)}, failing if an event of the {@code forbidden} type comes first. */
    public <E extends ServerEvent> E await(Class<E> type, Predicate<E> matching, Class<? extends ServerEvent> forbidden)
            throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == CLOSE) {
                throw new EOFException("closed with " + frame.closeCode() + " while waiting for " + type.getSimpleName());
            }
            if (frame.opcode() != TEXT) {
                continue;
            }
            try {
                ServerEvent event = CODEC.decodeServerEvent(frame.text());
                if (forbidden != null && forbidden.isInstance(event)) {
                    throw new AssertionError("got " + event + " before a " + type.getSimpleName());
                }
                if (type.isInstance(event) && matching.test(type.cast(event))) {
                    return type.cast(event);
                }
            } catch (ProtocolException e) {
                throw new IOException("unreadable frame " + frame.text(), e);
            }
        }
    }

    public <E extends ServerEvent> E await(Class<E> type) throws IOException {
        return await(type, event -> true);
    }

    /** Reads until a close frame arrives and returns its code; -1 when the connection ended without one. */
    public int awaitCloseCode(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return -1;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + timeout);
        }
    }

    /** True once the server has cut the connection: reading ends or fails. */
    public boolean isCutOff(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] sink = new byte[64 * 1024];
        try {
            while (in.read(sink) >= 0) {
                // Drain what was queued before the cut.
            }
            return true;
        } catch (java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Vanishes without a close frame, as a lost network does. */
    public void drop() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
