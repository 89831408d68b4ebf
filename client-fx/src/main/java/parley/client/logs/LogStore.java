package parley.client.logs;

import parley.client.chat.LogLine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Conversations as plain-text files: {@code ROOT/SERVER/CONVERSATION/YYYY-MM-DD.log}, lines
 * {@code HH:mm:ss <nick> text}, {@code HH:mm:ss * text} for what the client says. Rooms are folders named
 * {@code #room}, private conversations are named after the other person; every name goes through
 * {@link SafeFileNames}. Lines are queued on the caller's thread and written by a thread of the store's own
 * at least every 500 ms. A folder that cannot be written is reported once, and chat goes on without logs.
 * Thread-safe.
 */
public final class LogStore implements AutoCloseable {
    static final long FLUSH_MILLIS = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final String SUFFIX = ".log";

    private final Path root;
    private final ZoneId zone;
    private final Consumer<String> warning;
    private final Queue<Pending> pending = new ArrayDeque<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-log-writer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean enabled = true;
    private volatile boolean failed;

    private record Pending(Path file, String text) { }

    /** @param warning told once, on any thread, when the logs cannot be written */
    public LogStore(Path root, ZoneId zone, Consumer<String> warning) {
        this.root = root;
        this.zone = zone;
        this.warning = warning;
        writer.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** {@code $XDG_DATA_HOME/parley/logs}, else the platform's own place for application data. */
    public static Path defaultRoot() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData != null ? appData : home, "Parley", "logs");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "Parley", "logs");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share")).resolve("parley").resolve("logs");
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** The folder of one conversation. */
    public Path folder(String server, String conversation, boolean room) {
        return root.resolve(SafeFileNames.of(server)).resolve(SafeFileNames.of(room ? "#" + conversation : conversation));
    }

    /** Queues a line; separators and lines read back from disk are not written again. */
    public void append(String server, String conversation, boolean room, LogLine line) {
        if (!enabled || failed || line.earlier() || line.isSeparator()) {
            return;
        }
        Instant at = Instant.ofEpochMilli(line.timestamp());
        LocalDate day = LocalDate.ofInstant(at, zone);
        Path file = folder(server, conversation, room).resolve(day + SUFFIX);
        String text = format(line, TIME.format(at.atZone(zone)));
        synchronized (pending) {
            pending.add(new Pending(file, text));
        }
    }

    /** Writes what is queued; on the store's thread, or on the caller's when closing. */
    public void flush() {
        List<Pending> batch;
        synchronized (pending) {
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        if (batch.isEmpty() || failed) {
            return;
        }
        Path currentFile = null;
        BufferedWriter out = null;
        try {
            for (Pending line : batch) {
                if (!line.file().equals(currentFile)) {
                    if (out != null) {
                        out.close();
                    }
                    Files.createDirectories(line.file().getParent());
                    out = Files.newBufferedWriter(line.file(), StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    currentFile = line.file();
                }
                out.write(line.text());
                out.write('\n');
            }
            if (out != null) {
                out.close();
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            warning.accept("Cannot write the chat logs to " + root + " (" + e.getMessage()
                    + "); chat goes on without them");
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException ignored) {
                // Already reported.
            }
        }
    }

    /** The last {@code count} lines of a conversation, oldest first, marked as earlier. Reads files: not on the FX thread. */
    public List<LogLine> lastLines(String server, String conversation, boolean room, int count) {
        Path folder = folder(server, conversation, room);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> days;
        try (Stream<Path> files = Files.list(folder)) {
            days = files.filter(file -> file.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparing((Path file) -> file.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
        List<LogLine> newestFirst = new ArrayList<>();
        for (Path day : days) {
            LocalDate date;
            try {
                String name = day.getFileName().toString();
                date = LocalDate.parse(name.substring(0, name.length() - SUFFIX.length()));
            } catch (DateTimeParseException e) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(day, StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue;
            }
            for (int i = lines.size() - 1; i >= 0 && newestFirst.size() < count; i--) {
                LogLine parsed = parse(lines.get(i), date);
                if (parsed != null) {
                    newestFirst.add(parsed.asEarlier());
                }
            }
            if (newestFirst.size() >= count) {
                break;
            }
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    static String format(LogLine line, String time) {
        String text = line.text().replace("\r", "");
        String prefix = switch (line.kind()) {
            case MESSAGE, WHISPER -> time + " <" + line.from() + "> ";
            case ACTION -> time + " * " + line.from() + " ";
            case INVITATION -> time + " * " + line.from() + " invites you to ";
            case NOTICE -> time + " * Notice from the server: ";
            case WHISPER_NOTE -> time + " * whisper to " + line.from() + ": ";
            case ERROR -> time + " ! ";
            default -> time + " * ";
        };
        // A line break in a message continues on a line of its own with the same prefix.
        return prefix + text.replace("\n", "\n" + prefix);
    }

    LogLine parse(String line, LocalDate date) {
        if (line.length() < 10 || line.charAt(8) != ' ') {
            return null;
        }
        LocalTime time;
        try {
            time = LocalTime.parse(line.substring(0, 8), TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
        long timestamp = date.atTime(time).atZone(zone).toInstant().toEpochMilli();
        String rest = line.substring(9);
        if (rest.startsWith("<")) {
            int end = rest.indexOf("> ");
            if (end > 1) {
                return LogLine.of(LogLine.Kind.MESSAGE, timestamp, rest.substring(1, end), rest.substring(end + 2));
            }
        }
        if (rest.startsWith("! ")) {
            return LogLine.of(LogLine.Kind.ERROR, timestamp, null, rest.substring(2));
        }
        return LogLine.system(timestamp, rest.startsWith("* ") ? rest.substring(2) : rest);
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
