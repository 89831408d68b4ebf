package parley.server.chat;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.SpoofChecker;

import java.text.Normalizer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rules for nicknames, room names and message text (PROTOCOL.md, "Rules"). A nickname is the whole of a
 * person's identity here, so names that look alike are one name:
 * <ul>
 *   <li>{@link #normalize} is the PRECIS nickname profile's enforcement (RFC 8266) without its case mapping:
 *       NFKC, which also maps fullwidth and halfwidth forms ("ＡＬＩＣＥ" is shown as "ALICE"), and trimming;</li>
 *   <li>{@link #key} is what names are compared by: the case-folded form's UTS #39 confusable skeleton,
 *       case-folded again and without combining marks, so "alice", "ALİCE", "аlice" (Cyrillic а), "a1ice" and
 *       "Alicé" are one name;</li>
 *   <li>characters that show as nothing (default-ignorable code points, the Hangul fillers) are refused.</li>
 * </ul>
 */
public final class Names {
    public static final int MAX_NICK_LENGTH = 32;
    public static final int MAX_ROOM_LENGTH = 64;
    public static final String GUEST_PREFIX = "guest-";
    private static final AtomicBoolean PREPARING = new AtomicBoolean();

    /** The tables, built when first used (a holder class, so that naming {@code Names} does not build them). */
    private static final class Tables {
        /** Thread-safe once built (ICU's contract): one for the whole server. */
        static final SpoofChecker CONFUSABLES = new SpoofChecker.Builder().build();
        static final String GUEST_KEY_PREFIX = key(GUEST_PREFIX);
    }

    private Names() {
    }

    /**
     * Loads the Unicode tables the rules need (about 0.1 s) on a thread of its own, so that neither start-up nor
     * the first client waits for them (a client that comes sooner waits only for what is left).
     */
    public static void prepareInBackground() {
        if (PREPARING.getAndSet(true)) {
            return;
        }
        Thread loader = new Thread(() -> key(normalize("prepare")), "parley-unicode-tables");
        loader.setDaemon(true);
        loader.start();
    }

    /** The name as it will be shown: NFKC-normalised and trimmed. */
    public static String normalize(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).strip();
    }

    /** The form two names are compared in; apply to a {@link #normalize normalised} name. */
    public static String key(String normalizedName) {
        String skeleton = Tables.CONFUSABLES.getSkeleton(UCharacter.foldCase(normalizedName, true));
        // A skeleton is decomposed and keeps case and accents as they were: "Ꭺ" (Cherokee) becomes "A", and
        // "İ" becomes "I" and a dot. Folding again and dropping the marks makes those one name with "a", "i".
        String folded = Normalizer.normalize(UCharacter.foldCase(skeleton, true), Normalizer.Form.NFD);
        StringBuilder key = new StringBuilder(folded.length());
        folded.codePoints()
                .filter(c -> UCharacter.getType(c) != UCharacter.NON_SPACING_MARK)
                .forEach(key::appendCodePoint);
        return key.toString();
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
        if (normalizedName.codePoints().anyMatch(Names::showsAsNothing)) {
            return what + " holds a character that shows as nothing";
        }
        boolean allowed = normalizedName.codePoints().allMatch(
                c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
        return allowed ? null : what + " may hold only letters, digits, '_', '-' and '.'";
    }

    public static boolean isReservedNick(String normalizedNick) {
        return key(normalizedNick).startsWith(Tables.GUEST_KEY_PREFIX);
    }

    /**
     * Characters a reader cannot see: default-ignorable code points (zero-width spaces and joiners, variation
     * selectors, bidi controls...) and the Hangul fillers, which are letters that render blank.
     */
    static boolean showsAsNothing(int c) {
        return UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
                || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
    }

    /** Why a message text breaks the rules, or null when it is valid. Length is checked by the caller. */
    public static String problemWithText(String text) {
        // Whitespace in the Unicode sense (no-break and ideographic spaces too) and invisible characters do not
        // make a message.
        if (text.codePoints().allMatch(c -> UCharacter.isUWhiteSpace(c) || showsAsNothing(c))) {
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
