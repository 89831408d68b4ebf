package parley.server.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Server-to-client WebSocket text frames (RFC 6455 5.2): final, unmasked, with the payload length. */
final class TextFrames {
    private TextFrames() {
    }

    static ByteBuffer of(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int headerLength = payload.length < 126 ? 2 : payload.length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(headerLength + payload.length);
        frame.put((byte) 0x81);
        if (payload.length < 126) {
            frame.put((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) payload.length);
        } else {
            frame.put((byte) 127).putLong(payload.length);
        }
        frame.put(payload).flip();
        return frame;
    }
}
