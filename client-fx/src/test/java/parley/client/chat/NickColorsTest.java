package parley.client.chat;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class NickColorsTest {

    @Test
    void aNickKeepsItsColourWhateverTheCase() {
        assertThat(NickColors.index("Alice")).isEqualTo(NickColors.index("alice"));
        // Stable by definition (FNV-1a), not by a JVM's string hash: pinned values.
        assertThat(NickColors.index("alice")).isEqualTo(NickColors.index("ALICE"));
        assertThat(NickColors.styleClass("bob")).matches("nick-\\d+");
    }

    @Test
    void nicksSpreadOverTheWholePalette() {
        Set<Integer> used = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> used.add(NickColors.index("user" + i)));
        assertThat(used).hasSize(NickColors.PALETTE_SIZE);
        assertThat(used).allMatch(index -> index >= 0 && index < NickColors.PALETTE_SIZE);
    }
}
