package parley.client.logs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a name that came from a server (a room, a nickname, a host) into one file or folder name, safe on every
 * platform: a hostile server cannot reach outside the log folder or make two names share a file. Characters a
 * file system would read (separators, {@code : * ? " < > |}, control characters, a leading dot, trailing dots
 * and spaces) are written as {@code %XX} of their UTF-8 bytes, and so is {@code %} itself, so the mapping is
 * one-to-one; Windows' reserved device names get their first letter encoded; very long names are cut and
 * end in a hash of the whole.
 */
public final class SafeFileNames {
    /** Bytes of a file name that every common file system accepts, with room for a suffix. */
    static final int MAX_BYTES = 120;
    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private SafeFileNames() {
    }

    public static String of(String name) {
        if (name.isEmpty()) {
            // No encoding of a non-empty name is a lone '%' ('%' itself becomes "%25").
            return "%";
        }
        String normalized = Normalizer.normalize(name, Normalizer.Form.NFC);
        StringBuilder safe = new StringBuilder();
        int[] codePoints = normalized.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            boolean edgeDot = c == '.' && i == 0;
            boolean trailing = (c == '.' || c == ' ') && i == codePoints.length - 1;
            if (edgeDot || trailing || needsEncoding(c)) {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    safe.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
                }
            } else {
                safe.appendCodePoint(c);
            }
        }
        String base = safe.toString();
        int dot = base.indexOf('.');
        String stem = (dot < 0 ? base : base.substring(0, dot)).toLowerCase(Locale.ROOT);
        if (RESERVED.contains(stem)) {
            base = String.format(Locale.ROOT, "%%%02X", (int) base.charAt(0)) + base.substring(1);
        }
        return shorten(base);
    }

    private static boolean needsEncoding(int c) {
        return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || "/\\:*?\"<>|%".indexOf(c) >= 0
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    private static String shorten(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BYTES) {
            return name;
        }
        String hash = HexFormat.of().formatHex(sha256(bytes), 0, 8);
        StringBuilder cut = new StringBuilder();
        int used = 0;
        for (int c : name.codePoints().toArray()) {
            int size = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > MAX_BYTES - 17) {
                break;
            }
            cut.appendCodePoint(c);
            used += size;
        }
        // A cut that ends in a dot or space would be trimmed by Windows.
        while (!cut.isEmpty() && (cut.charAt(cut.length() - 1) == '.' || cut.charAt(cut.length() - 1) == ' ')) {
            cut.setLength(cut.length() - 1);
        }
        return cut + "~" + hash;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
