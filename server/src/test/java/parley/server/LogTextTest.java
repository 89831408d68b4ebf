package parley.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

    @Test
    void controlFormatAndLineBreakCharactersAreEscaped() {
        String quoted = LogText.quote("evil\r\nINFO fake line\u0000\u202e\u200b");

        assertThat(quoted).doesNotContain("\r", "\n", "\u0000", "\u202e", "\u200b")
                .isEqualTo("\"evil\\u000d\\u000aINFO fake line\\u0000\\u202e\\u200b\"");
    }

    @Test
    void longTextIsCut() {
        assertThat(LogText.quote("x".repeat(500))).hasSize(80 + 2 + 3);
    }
}
