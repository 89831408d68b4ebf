package parley.server;

import java.util.Locale;

/** Makes user-supplied text safe for one log line: control characters are escaped, long text is cut. */
public final class LogText {
    private static final int MAX_LENGTH = 80;

    private LogText() {
    }

    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder("\"");
        int end = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (text.length() > MAX_LENGTH) {
            quoted.append("...");
        }
        return quoted.append('"').toString();
    }
}
