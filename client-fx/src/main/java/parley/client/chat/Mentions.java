package parley.client.chat;

import java.util.List;
import java.util.Locale;

/**
 * Whether a line mentions you: your nickname or one of your highlight words, as a whole word, ignoring case.
 * "alice" is mentioned by "hi Alice!" and "alice: look", not by "malice" or "alice_b".
 */
public final class Mentions {
    private Mentions() {
    }

    public static boolean mentions(String text, String myNick, List<String> highlightWords) {
        if (containsWord(text, myNick)) {
            return true;
        }
        for (String word : highlightWords) {
            if (containsWord(text, word)) {
                return true;
            }
        }
        return false;
    }

    static boolean containsWord(String text, String word) {
        if (word == null || word.isBlank()) {
            return false;
        }
        String haystack = text.toLowerCase(Locale.ROOT);
        String needle = word.strip().toLowerCase(Locale.ROOT);
        for (int from = haystack.indexOf(needle); from >= 0; from = haystack.indexOf(needle, from + 1)) {
            int end = from + needle.length();
            if (isBoundary(haystack, from - 1) && isBoundary(haystack, end)) {
                return true;
            }
        }
        return false;
    }

    /** A word ends where a nickname could not go on: not a letter, digit, '_', '-'. A '.' ends a sentence. */
    private static boolean isBoundary(String text, int index) {
        if (index < 0 || index >= text.length()) {
            return true;
        }
        char c = text.charAt(index);
        return !(Character.isLetterOrDigit(c) || c == '_' || c == '-');
    }
}
