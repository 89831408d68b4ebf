package parley.client.chat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A nickname's colour: a stable hash of the name (the same in every window and every run, whatever the case)
 * picks one of a palette whose colours read well on light and on dark backgrounds. The view maps the index to
 * a style class ({@code nick-0} …), and the stylesheet gives each theme its shade.
 */
public final class NickColors {
    public static final int PALETTE_SIZE = 12;

    private NickColors() {
    }

    public static int index(String nick) {
        // FNV-1a over the UTF-8 bytes: String.hashCode would do, but this is stable by definition.
        int hash = 0x811C9DC5;
        for (byte b : nick.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x01000193;
        }
        return Math.floorMod(hash, PALETTE_SIZE);
    }

    public static String styleClass(String nick) {
        return "nick-" + index(nick);
    }
}
