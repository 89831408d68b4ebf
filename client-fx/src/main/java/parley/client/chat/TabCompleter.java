package parley.client.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tab completion of the input line: commands after {@code /}, room names after {@code /join}, nicknames
 * elsewhere (the most recent speakers first; {@code nick: } at the start of a line). Pressing Tab again right
 * after a completion offers the next candidate. Plain Java: it sees text and lists, never a control.
 */
public final class TabCompleter {
    /** The line after completing, and where the caret goes. */
    public record Result(String text, int caret) { }

    private String lastText;
    private int lastCaret = -1;
    private List<String> cycle = List.of();
    private int cycleIndex;
    private int wordStart;
    private String suffix = "";

    /**
     * @param nicks    nicknames of the open conversation, the most recent speakers first
     * @param commands command names without the slash
     * @param rooms    room names for {@code /join}
     * @return the completed line, or null when nothing matches
     */
    public Result complete(String text, int caret, List<String> nicks, List<String> commands, List<String> rooms) {
        if (text.equals(lastText) && caret == lastCaret && cycle.size() > 1) {
            cycleIndex = (cycleIndex + 1) % cycle.size();
            return apply(text, caret);
        }
        wordStart = text.lastIndexOf(' ', caret - 1) + 1;
        String word = text.substring(wordStart, caret);
        String before = text.substring(0, wordStart);
        List<String> candidates;
        String prefix = word;
        if (wordStart == 0 && word.startsWith("/") && !word.startsWith("//")) {
            candidates = matching(commands, word.substring(1));
            candidates.replaceAll(name -> "/" + name);
            suffix = " ";
        } else if (before.strip().equalsIgnoreCase("/join")) {
            candidates = matching(rooms, prefix);
            suffix = " ";
        } else {
            candidates = matching(nicks, prefix);
            boolean commandArgument = before.startsWith("/");
            suffix = wordStart == 0 && !commandArgument ? ": " : " ";
        }
        if (candidates.isEmpty()) {
            lastText = null;
            return null;
        }
        cycle = candidates;
        cycleIndex = 0;
        return apply(text, caret);
    }

    /** Puts the current candidate between the start of the word and the caret (or the last completion). */
    private Result apply(String text, int caret) {
        String tail = text.substring(caret);
        String head = text.substring(0, wordStart);
        String completed = cycle.get(cycleIndex) + suffix;
        String result = head + completed + (tail.startsWith(" ") && suffix.endsWith(" ") ? tail.substring(1) : tail);
        int newCaret = head.length() + completed.length();
        lastText = result;
        lastCaret = newCaret;
        return new Result(result, newCaret);
    }

    private static List<String> matching(List<String> options, String prefix) {
        String lower = prefix.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String option : options) {
            if (option.toLowerCase(Locale.ROOT).startsWith(lower) && !found.contains(option)) {
                found.add(option);
            }
        }
        return found;
    }
}
