package parley.client.chat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MentionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Alice!", "hi ALICE", "alice: look", "(alice)", "thanks, alice.", "ping the build"})
    void yourNickAsAWordOrAHighlightWordIsAMention(String text) {
        assertThat(Mentions.mentions(text, "alice", List.of("build"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"malice", "alice_b", "alice-bot", "alicey", "nothing here", "rebuild"})
    void partOfALongerWordIsNot(String text) {
        assertThat(Mentions.mentions(text, "alice", List.of("build"))).isFalse();
    }
}
