package parley.server.chat;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The rules for nicknames, room names and message text (PROTOCOL.md, "Rules"). Names are compared by
 * {@link #key}: NFC-normalised, trimmed and case-folded, so "Alice" and "alice" are one name.
 */
public final class Names {
    public static final int MAX_NICK_LENGTH = 32;
    public static final int MAX_ROOM_LENGTH = 64;
    public static final String GUEST_PREFIX = "guest-";

    private Names() {
    }

    /** The name as it will be shown: NFC-normalised and trimmed. */
    public static String normalize(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).strip();
    }

    /** The form two names are compared in; apply to a {@link #normalize normalised} name. */
    public static String key(String normalizedName) {
        // Upper then lower folds more than lower alone ("ß" and "SS", final sigma).
        return normalizedName.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** Why a normalised name breaks the rules, or null when it is valid. */
    public static String problemWith(String normalizedName, int maxLength, String what) {
        int length = normalizedName.codePointCount(0, normalizedName.length());
        if (length == 0) {
            return what + " must not be empty";
        }
        if (length > maxLength) {
            return what + " must be at most " + maxLength + " characters";
        }
        boolean allowed = normalizedName.codePoints().allMatch(
                c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
        return allowed ? null : what + " may hold only letters, digits, '_', '-' and '.'";
    }

    public static boolean isReservedNick(String normalizedNick) {
        return key(normalizedNick).startsWith(GUEST_PREFIX);
    }

    /** Why a message text breaks the rules, or null when it is valid. Length is checked by the caller. */
    public static String problemWithText(String text) {
        if (text.isBlank()) {
            return "message text must not be empty";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "message text holds a broken character (a lone UTF-16 surrogate)";
            } else if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                return "message text holds a control character";
            }
        }
        return null;
    }

    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }
}
