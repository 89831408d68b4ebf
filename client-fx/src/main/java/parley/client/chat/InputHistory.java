package parley.client.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines typed before, walked with Up and Down like a shell's history: the last 100, the newest last. What was
 * being typed when the walk began comes back at its end.
 */
public final class InputHistory {
    public static final int SIZE = 100;
    private final List<String> lines = new ArrayList<>();
    /** Position while walking: lines.size() means "the line being typed". */
    private int position;
    private String typing = "";

    public void add(String line) {
        if (line.isBlank()) {
            return;
        }
        if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(line)) {
            lines.add(line);
            if (lines.size() > SIZE) {
                lines.remove(0);
            }
        }
        position = lines.size();
        typing = "";
    }

    /** The older line, or null at the oldest. */
    public String previous(String current) {
        if (position == 0 || lines.isEmpty()) {
            return null;
        }
        if (position == lines.size()) {
            typing = current;
        }
        position--;
        return lines.get(position);
    }

    /** The newer line, the one being typed past the newest, or null when not walking. */
    public String next() {
        if (position >= lines.size()) {
            return null;
        }
        position++;
        return position == lines.size() ? typing : lines.get(position);
    }

    public int size() {
        return lines.size();
    }
}
