package parley.client.chat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TabCompleterTest {
    private static final List<String> NICKS = List.of("bob", "bella", "carol");
    private static final List<String> COMMANDS = List.of("join", "list", "msg", "nick", "part");
    private static final List<String> ROOMS = List.of("lobby", "attic");
    private final TabCompleter completer = new TabCompleter();

    @Test
    void aNickAtTheStartOfALineGetsAColon() {
        assertThat(completer.complete("bo", 2, NICKS, COMMANDS, ROOMS)).isEqualTo(new TabCompleter.Result("bob: ", 5));
    }

    @Test
    void aNickInsideALineGetsASpaceIgnoringCase() {
        assertThat(completer.complete("ask CA", 6, NICKS, COMMANDS, ROOMS)).isEqualTo(new TabCompleter.Result("ask carol ", 10));
    }

    @Test
    void theMostRecentSpeakerComesFirstAndTabAgainCyclesOn() {
        var first = completer.complete("b", 1, NICKS, COMMANDS, ROOMS);
        assertThat(first.text()).isEqualTo("bob: ");
        var second = completer.complete(first.text(), first.caret(), NICKS, COMMANDS, ROOMS);
        assertThat(second.text()).isEqualTo("bella: ");
        var third = completer.complete(second.text(), second.caret(), NICKS, COMMANDS, ROOMS);
        assertThat(third.text()).isEqualTo("bob: ");
    }

    @Test
    void commandsAfterASlashAndRoomsAfterJoin() {
        assertThat(completer.complete("/jo", 3, NICKS, COMMANDS, ROOMS).text()).isEqualTo("/join ");
        assertThat(completer.complete("/join lo", 8, NICKS, COMMANDS, ROOMS).text()).isEqualTo("/join lobby ");
        assertThat(completer.complete("/msg ca", 7, NICKS, COMMANDS, ROOMS).text()).isEqualTo("/msg carol ");
    }

    @Test
    void textAfterTheCaretStays() {
        var result = completer.complete("hi ca, how are you", 5, NICKS, COMMANDS, ROOMS);
        assertThat(result.text()).isEqualTo("hi carol , how are you");
        assertThat(result.caret()).isEqualTo(9);
    }

    @Test
    void nothingMatchingCompletesNothing() {
        assertThat(completer.complete("zz", 2, NICKS, COMMANDS, ROOMS)).isNull();
        assertThat(completer.complete("", 0, List.of(), COMMANDS, ROOMS)).isNull();
    }
}
