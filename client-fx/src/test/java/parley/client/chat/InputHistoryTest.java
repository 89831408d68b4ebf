package parley.client.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InputHistoryTest {
    private final InputHistory history = new InputHistory();

    @Test
    void upWalksBackAndDownReturnsToWhatWasBeingTyped() {
        history.add("one");
        history.add("two");

        assertThat(history.previous("half typed")).isEqualTo("two");
        assertThat(history.previous("two")).isEqualTo("one");
        assertThat(history.previous("one")).isNull();
        assertThat(history.next()).isEqualTo("two");
        assertThat(history.next()).isEqualTo("half typed");
        assertThat(history.next()).isNull();
    }

    @Test
    void keepsTheLastHundredWithoutRepeatsInARow() {
        for (int i = 0; i < 150; i++) {
            history.add("line " + i);
            history.add("line " + i);
        }
        assertThat(history.size()).isEqualTo(InputHistory.SIZE);
        String oldest = null;
        for (String line = history.previous(""); line != null; line = history.previous(line)) {
            oldest = line;
        }
        assertThat(oldest).isEqualTo("line 50");
    }
}
