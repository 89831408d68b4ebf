package parley.server.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server's password. Only its SHA-256 digest is kept, and guesses are compared digest to digest in constant
 * time, so the time an answer takes says nothing about how close a guess was.
 */
public final class Password {
    private final byte[] digest;

    private Password(String password) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        this.digest = sha256(password);
    }

    public static Password of(String password) {
        return new Password(password);
    }

    /** The first line of a file, without its line ending. */
    public static Password fromFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return of(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    public boolean matches(String guess) {
        return guess != null && MessageDigest.isEqual(digest, sha256(guess));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
