package parley.client.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.viewmodel.Notifier;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Linux desktop notifications through {@code notify-send}, which calls the freedesktop notification service
 * ({@code org.freedesktop.Notifications.Notify} on the session D-Bus). Runs on a thread of its own. When the
 * service does not answer (no desktop, no daemon), every later notification goes to the fallback instead.
 */
final class NotifySend implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(NotifySend.class);
    private final Path command;
    private final Notifier fallback;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-notify");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean broken;

    NotifySend(Path command, Notifier fallback) {
        this.command = command;
        this.fallback = fallback;
    }

    /** {@code notify-send} on the PATH, or null. */
    static Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, "notify-send");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void show(String summary, String body) {
        if (broken) {
            fallback.show(summary, body);
            return;
        }
        runner.execute(() -> {
            try {
                Process process = new ProcessBuilder(command.toString(), "--app-name=Parley", "--category=im.received",
                        "--", summary, body).redirectErrorStream(true).start();
                process.getOutputStream().close();
                byte[] said = process.getInputStream().readAllBytes();
                if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    giveUp(new String(said).strip(), summary, body);
                }
            } catch (IOException e) {
                giveUp(e.getMessage(), summary, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void giveUp(String why, String summary, String body) {
        broken = true;
        log.warn("Desktop notifications are not available ({}); they show inside the window instead", why);
        fallback.show(summary, body);
    }
}
