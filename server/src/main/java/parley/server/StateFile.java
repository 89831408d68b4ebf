package parley.server;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.ChatService;
import parley.server.chat.ChatState;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The file a server alone keeps its chat in across a restart ({@code --state-file}): JSON, written when the server
 * stops and read when it starts. It holds resume tokens and the addresses bans cover, so only the server's own
 * user may read it. It is removed once read: a server that later dies without stopping must not bring back
 * sessions from before. A file that cannot be read is set aside as {@code FILE.bad} and the server starts empty.
 */
final class StateFile {
    private static final Logger log = LoggerFactory.getLogger(StateFile.class);
    private static final Jsonb JSONB = JsonbBuilder.create();

    private final Path path;

    StateFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    Path path() {
        return path;
    }

    /**
     * Checks, at start-up, that the file can be written when the server stops.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    void checkWritable() {
        Path directory = path.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("--state-file: no directory " + directory);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalArgumentException("--state-file: cannot write in " + directory);
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("--state-file: " + path + " is a directory");
        }
    }

    /** Restores what the file holds into a chat nobody uses yet, and removes the file; nothing when there is none. */
    void restoreInto(ChatService chat) {
        if (!Files.exists(path)) {
            return;
        }
        long started = System.nanoTime();
        ChatState state;
        int waiting;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            state = JSONB.fromJson(reader, ChatState.class);
            if (state == null) {
                throw new JsonbException("the file is empty");
            }
            waiting = chat.restore(state);
        } catch (IOException | JsonbException | IllegalArgumentException | NullPointerException e) {
            setAside(e);
            return;
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            log.warn("Could not remove the saved state {} after restoring it: {}", path, e.toString());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (waiting == state.users().size()) {
            log.info("Restored {} users in {} rooms from {} (saved {} ago) in {} ms", waiting, state.rooms().size(),
                    path, ago(state.savedAt()), millis);
        } else {
            log.info("Restored {} users in {} rooms from {} (saved {} ago) in {} ms; {} of them wait to resume, the"
                    + " others' grace period ran out", state.users().size(), state.rooms().size(), path,
                    ago(state.savedAt()), millis, waiting);
        }
    }

    /** Writes the state: to a temporary file beside it first, then renamed over, so a crash leaves no half file. */
    void save(ChatState state) {
        long started = System.nanoTime();
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            createOwnerOnly(temporary);
            try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                JSONB.toJson(state, writer);
            }
            try {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | JsonbException e) {
            log.error("Could not save the chat to {}: {}; its users will start new sessions", path, e.toString());
            return;
        }
        log.info("Saved {} users in {} rooms to {} in {} ms", state.users().size(), state.rooms().size(), path,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process writes " + file, e);
        }
    }

    private void setAside(Exception failure) {
        Path bad = path.resolveSibling(path.getFileName() + ".bad");
        String reason = failure instanceof NoSuchFileException ? "it went away" : failure.toString();
        try {
            Files.move(path, bad, StandardCopyOption.REPLACE_EXISTING);
            log.error("Could not restore the saved state {}: {}; starting without it (the file is kept as {})",
                    path, reason, bad);
        } catch (IOException e) {
            log.error("Could not restore the saved state {}: {}; starting without it (and could not set it aside: {})",
                    path, reason, e.toString());
        }
    }

    private static String ago(long savedAt) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, System.currentTimeMillis() - savedAt) / 1000.0);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
