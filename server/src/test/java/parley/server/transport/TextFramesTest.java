package parley.server.transport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class TextFramesTest {

    @ParameterizedTest
    @CsvSource({"0, 2", "125, 2", "126, 4", "65535, 4", "65536, 10"})
    void theLengthTakesOneTwoOrEightBytesAsRfc6455Says(int payloadBytes, int headerBytes) {
        ByteBuffer frame = TextFrames.of("x".repeat(payloadBytes));

        assertThat(frame.remaining()).isEqualTo(headerBytes + payloadBytes);
        assertThat(frame.get(0)).isEqualTo((byte) 0x81);
        long length = switch (headerBytes) {
            case 2 -> frame.get(1);
            case 4 -> frame.getShort(2) & 0xFFFF;
            default -> frame.getLong(2);
        };
        assertThat(length).isEqualTo(payloadBytes);
    }

    @ParameterizedTest
    @CsvSource({"é, 2", "€, 3", "\uD83D\uDE00, 4"})
    void thePayloadIsUtf8(String text, int bytes) {
        assertThat(TextFrames.of(text).remaining()).isEqualTo(2 + bytes);
    }
}
