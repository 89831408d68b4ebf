package parley.client.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {
    private final CommandParser parser = new CommandParser();

    @Test
    void textWithoutASlashIsSentAsTyped() {
        assertThat(parser.parse("  hello /join x  ")).isEqualTo(new Command.Say("  hello /join x  "));
    }

    @Test
    void aDoubleSlashSendsTheLineWithOneSlash() {
        assertThat(parser.parse("//shrug")).isEqualTo(new Command.Say("/shrug"));
    }

    @Test
    void everyCommandOfTheTableIsRead() {
        assertThat(parser.parse("/join lobby")).isEqualTo(new Command.Join("lobby"));
        assertThat(parser.parse("/JOIN  lobby ")).isEqualTo(new Command.Join("lobby"));
        assertThat(parser.parse("/part")).isEqualTo(new Command.Part(null));
        assertThat(parser.parse("/part attic")).isEqualTo(new Command.Part("attic"));
        assertThat(parser.parse("/leave attic")).isEqualTo(new Command.Part("attic"));
        assertThat(parser.parse("/query bob")).isEqualTo(new Command.Query("bob"));
        assertThat(parser.parse("/nick alicia")).isEqualTo(new Command.Nick("alicia"));
        assertThat(parser.parse("/list")).isEqualTo(new Command.ListRooms());
        assertThat(parser.parse("/clear")).isEqualTo(new Command.Clear());
        assertThat(parser.parse("/help")).isEqualTo(new Command.Help(null));
        assertThat(parser.parse("/help /msg")).isEqualTo(new Command.Help("msg"));
        assertThat(parser.parse("/quit")).isEqualTo(new Command.Quit());
    }

    @Test
    void theCommandsOfRoomsPeopleRunAreRead() {
        assertThat(parser.parse("/join vault s3cret")).isEqualTo(new Command.Join("vault", "s3cret"));
        assertThat(parser.parse("/me  waves  hello")).isEqualTo(new Command.Me("waves  hello"));
        assertThat(parser.parse("/topic Release on Friday")).isEqualTo(new Command.Topic("Release on Friday"));
        assertThat(parser.parse("/topic")).isEqualTo(new Command.Topic(null));
        assertThat(parser.parse("/away lunch, back at 2")).isEqualTo(new Command.Away("lunch, back at 2"));
        assertThat(parser.parse("/away")).isEqualTo(new Command.Away(CommandParser.DEFAULT_AWAY));
        assertThat(parser.parse("/back")).isEqualTo(new Command.Away(null));
        assertThat(parser.parse("/whois bob")).isEqualTo(new Command.Whois("bob"));
        assertThat(parser.parse("/op bob")).isEqualTo(new Command.Role("bob", "op"));
        assertThat(parser.parse("/deop bob")).isEqualTo(new Command.Role("bob", "none"));
        assertThat(parser.parse("/voice bob")).isEqualTo(new Command.Role("bob", "voice"));
        assertThat(parser.parse("/devoice bob")).isEqualTo(new Command.Role("bob", "none"));
        assertThat(parser.parse("/kick bob")).isEqualTo(new Command.Kick("bob", null));
        assertThat(parser.parse("/kick bob stop   spamming")).isEqualTo(new Command.Kick("bob", "stop   spamming"));
        assertThat(parser.parse("/ban mallory known troll")).isEqualTo(new Command.Ban("mallory", "known troll"));
        assertThat(parser.parse("/unban mallory")).isEqualTo(new Command.Unban("mallory"));
        assertThat(parser.parse("/bans")).isEqualTo(new Command.Bans());
        assertThat(parser.parse("/invite carol")).isEqualTo(new Command.Invite("carol"));
    }

    @Test
    void modeReadsSeveralChangesAndTheKey() {
        assertThat(parser.parse("/mode +m")).isEqualTo(new Command.Mode(null, true, null, null));
        assertThat(parser.parse("/mode -m +i +t")).isEqualTo(new Command.Mode(true, false, true, null));
        assertThat(parser.parse("/mode +k s3cret -i")).isEqualTo(new Command.Mode(null, null, false, "s3cret"));
        assertThat(parser.parse("/mode -k")).isEqualTo(new Command.Mode(null, null, null, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/me", "/me   ", "/whois", "/whois a b", "/op", "/kick", "/ban", "/unban", "/unban a b",
            "/invite", "/bans lobby", "/back now", "/mode", "/mode +x", "/mode m", "/mode +k", "/mode +mi"})
    void aRoomCommandWithoutWhatItNeedsSaysItsUsage(String line) {
        assertThat(parser.parse(line)).isInstanceOfSatisfying(Command.Invalid.class,
                invalid -> assertThat(invalid.message()).startsWith("usage: /"));
    }

    @Test
    void msgKeepsTheTextAsTypedLineBreaksIncluded() {
        assertThat(parser.parse("/msg bob  two  spaces\nand a line")).isEqualTo(new Command.Msg("bob", " two  spaces\nand a line"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/join", "/join a b c", "/msg bob", "/msg", "/query", "/nick", "/nick a b"})
    void aCommandWithoutWhatItNeedsSaysItsUsage(String line) {
        assertThat(parser.parse(line)).isInstanceOfSatisfying(Command.Invalid.class,
                invalid -> assertThat(invalid.message()).startsWith("usage: /"));
    }

    @Test
    void anUnknownCommandNamesHelp() {
        assertThat(parser.parse("/dance wildly")).isInstanceOfSatisfying(Command.Invalid.class,
                invalid -> assertThat(invalid.message()).contains("unknown command /dance").contains("/help").contains("//"));
        assertThat(parser.parse("/")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void helpListsEveryCommandAndExplainsOne() {
        assertThat(parser.help(null)).anyMatch(line -> line.contains("/join ROOM")).anyMatch(line -> line.contains("/quit"));
        assertThat(parser.help("leave")).containsExactly("/part [ROOM] — leave a room, the open one when none is named (also /leave)");
        assertThat(parser.help("nope").get(0)).contains("unknown command /nope");
        assertThat(parser.names()).contains("join", "leave", "msg", "query");
    }
}
