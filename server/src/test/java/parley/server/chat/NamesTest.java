package parley.server.chat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Names that look alike are one name; names that show as nothing are no name; names valid before stay valid. */
class NamesTest {

    @ParameterizedTest(name = "{0} is the same name as alice")
    @ValueSource(strings = {
            "alice", "Alice", "ALICE",
            "ＡＬＩＣＥ",            // fullwidth
            "ALİCE",              // dotted capital I
            "alıce",              // dotless i
            "\u0430lice",         // Cyrillic а
            "\u0430l\u0456c\u0435", // Cyrillic а, і, е: whole-script look-alike
            "\u03b1lice",         // Greek α
            "\u0391LICE",         // Greek capital Α
            "a1ice",              // digit one for l
            "\u13aalice",         // Cherokee Ꭺ
            "alicé", "alic\u0065\u0301" // accents, composed or not
    })
    void lookAlikesOfAliceShareItsKey(String name) {
        assertThat(Names.key(Names.normalize(name))).isEqualTo(Names.key(Names.normalize("alice")));
    }

    @ParameterizedTest(name = "{0} and {1} are different names")
    @CsvSource({"alice, bob", "alice, alicia", "anna, anne", "room1, room2", "x, y", "Ω, O"})
    void differentNamesKeepDifferentKeys(String one, String other) {
        assertThat(Names.key(Names.normalize(one))).isNotEqualTo(Names.key(Names.normalize(other)));
    }

    @ParameterizedTest(name = "{0} shows as nothing")
    @ValueSource(strings = {
            "\u3164",             // Hangul filler
            "\u115F", "\u1160", "\uFFA0",
            "al\u200Bice",        // zero-width space
            "al\u200Dice",        // zero-width joiner
            "al\u2060ice",        // word joiner
            "alice\uFE0F",        // variation selector
            "\u3164\u3164alice"
    })
    void namesWithInvisibleCharactersAreRefused(String name) {
        assertThat(Names.problemWith(Names.normalize(name), Names.MAX_NICK_LENGTH, "a nickname")).isNotNull();
    }

    @ParameterizedTest(name = "{0} stays valid")
    @ValueSource(strings = {"alice", "Bob_2", "carol-b", "dave.e", "guest_1", "José", "Zoë", "山田", "Дмитрий",
            "Ελένη", "x", "a-b_c.d", "12345"})
    void namesValidBeforeStayValid(String name) {
        assertThat(Names.problemWith(Names.normalize(name), Names.MAX_NICK_LENGTH, "a nickname")).isNull();
    }

    @ParameterizedTest(name = "{0} is shown as {1}")
    @CsvSource({"ＡＬＩＣＥ, ALICE", "'  bob  ', bob", "ﬁle, file"})
    void theShownFormIsWidthMappedAndTrimmed(String given, String shown) {
        assertThat(Names.normalize(given)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "guest look-alike {0} is reserved")
    @ValueSource(strings = {"guest-7", "GUEST-7", "ｇｕｅｓｔ-7", "gu\u0435st-7"})
    void guestNamesAndTheirLookAlikesAreReserved(String name) {
        assertThat(Names.isReservedNick(Names.normalize(name))).isTrue();
    }

    @ParameterizedTest(name = "text {0} is empty")
    @ValueSource(strings = {" ", "\u00A0", "\u00A0\u00A0", "\u2000\u200A", "\u3000", "\u202F", "\u200B", " \n\t "})
    void whitespaceInTheUnicodeSenseIsNoText(String text) {
        assertThat(Names.problemWithText(text)).isEqualTo("message text must not be empty");
    }

    @ParameterizedTest(name = "text {0} is fine")
    @ValueSource(strings = {"hi", "\u00A0hi", "a\u3000b", "👍", "line\nbreak"})
    void textWithSomethingVisibleIsFine(String text) {
        assertThat(Names.problemWithText(text)).isNull();
    }
}
