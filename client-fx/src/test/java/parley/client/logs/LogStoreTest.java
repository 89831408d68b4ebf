package parley.client.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.client.chat.LogLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogStoreTest {
    private static final long NOON = LocalDate.of(2026, 12, 3).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

    @Test
    void linesAreOnDiskWithinTwoSecondsAsPlainText(@TempDir Path root) throws Exception {
        try (var store = new LogStore(root, ZoneOffset.UTC, warning -> { })) {
            store.append("localhost_8025", "lobby", true, LogLine.of(LogLine.Kind.MESSAGE, NOON, "bob", "hi all"));
            store.append("localhost_8025", "lobby", true, LogLine.system(NOON + 1000, "carol joined"));
            store.append("localhost_8025", "bob", false, LogLine.of(LogLine.Kind.WHISPER, NOON + 2000, "bob", "psst\nsecond"));

            Path lobby = root.resolve("localhost_8025").resolve("#lobby").resolve("2026-12-03.log");
            await().atMost(java.time.Duration.ofSeconds(2)).until(() -> Files.exists(lobby));
            assertThat(Files.readAllLines(lobby)).containsExactly("12:00:00 <bob> hi all", "12:00:01 * carol joined");
            Path bob = root.resolve("localhost_8025").resolve("bob").resolve("2026-12-03.log");
            await().atMost(java.time.Duration.ofSeconds(2)).until(() -> Files.exists(bob));
            assertThat(Files.readAllLines(bob)).containsExactly("12:00:02 <bob> psst", "12:00:02 <bob> second");
        }
    }

    @Test
    void theLastLinesComeBackOldestFirstAcrossDays(@TempDir Path root) {
        try (var store = new LogStore(root, ZoneOffset.UTC, warning -> { })) {
            long day = 24L * 3600 * 1000;
            for (int i = 0; i < 5; i++) {
                store.append("s", "lobby", true, LogLine.of(LogLine.Kind.MESSAGE, NOON - day + i * 1000, "bob", "yesterday " + i));
                store.append("s", "lobby", true, LogLine.of(LogLine.Kind.MESSAGE, NOON + i * 1000, "bob", "today " + i));
            }
            store.flush();

            List<LogLine> last = store.lastLines("s", "lobby", true, 7);

            assertThat(last).extracting(LogLine::text).containsExactly("yesterday 3", "yesterday 4",
                    "today 0", "today 1", "today 2", "today 3", "today 4");
            assertThat(last).allMatch(LogLine::earlier);
            assertThat(last.get(2).timestamp()).isEqualTo(NOON);
            assertThat(last.get(2).from()).isEqualTo("bob");
            assertThat(store.lastLines("s", "nobody", false, 10)).isEmpty();
        }
    }

    @Test
    void hostileNamesStayInsideTheLogFolder(@TempDir Path root) throws Exception {
        List<String> names = List.of("../../etc/passwd", "..", ".", "a/b\\c", "con", "NUL.txt", "tab\there", "trailing. ",
                "x".repeat(300), "日本語", "", "%2E%2E", "a:b*c?d\"e<f>g|h", "\u202Eevil");
        try (var store = new LogStore(root, ZoneOffset.UTC, warning -> { })) {
            for (String name : names) {
                store.append("../server", name, false, LogLine.of(LogLine.Kind.MESSAGE, NOON, "x", "line of " + name));
                store.append("../server", name, true, LogLine.of(LogLine.Kind.MESSAGE, NOON, "x", "room line of " + name));
            }
            store.flush();
            for (String name : names) {
                assertThat(store.folder("../server", name, false).normalize()).startsWith(root);
                assertThat(store.lastLines("../server", name, false, 5)).extracting(LogLine::text).containsExactly("line of " + name);
                assertThat(store.lastLines("../server", name, true, 5)).extracting(LogLine::text).containsExactly("room line of " + name);
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertThat(all).hasSize(names.size() * 2).allMatch(file -> file.normalize().startsWith(root));
            assertThat(all).allMatch(file -> root.relativize(file).getNameCount() == 3);
        }
    }

    @Test
    void safeNamesAreOneToOne() {
        assertThat(SafeFileNames.of("a/b")).isNotEqualTo(SafeFileNames.of("a%2Fb"));
        assertThat(SafeFileNames.of("..")).doesNotContain("/").isNotEqualTo("..");
        assertThat(SafeFileNames.of("con")).isNotEqualToIgnoringCase("con");
        assertThat(SafeFileNames.of("lobby")).isEqualTo("lobby");
        assertThat(SafeFileNames.of("x".repeat(300)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(SafeFileNames.MAX_BYTES);
        assertThat(SafeFileNames.of("x".repeat(300))).isNotEqualTo(SafeFileNames.of("x".repeat(301)));
    }

    @Test
    void aFolderThatCannotBeWrittenWarnsOnceAndChatGoesOn(@TempDir Path parent) throws Exception {
        Path root = parent.resolve("logs");
        Files.writeString(root, "a file where the folder should be");
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (var store = new LogStore(root, ZoneOffset.UTC, warnings::add)) {
            for (int i = 0; i < 3; i++) {
                store.append("s", "lobby", true, LogLine.of(LogLine.Kind.MESSAGE, NOON, "bob", "line " + i));
                store.flush();
            }
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("Cannot write the chat logs").contains("chat goes on");
    }
}
