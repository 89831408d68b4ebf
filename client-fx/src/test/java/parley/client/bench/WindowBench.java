package parley.client.bench;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import parley.client.connection.ChatConnection;
import parley.client.connection.ConnectionState;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.client.view.ChatView;
import parley.client.view.ViewOptions;
import parley.client.viewmodel.Backoff;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.Settings;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the real window holds up under a busy server: 20 conversations, a room of 1000 members, 20,000 lines in
 * the open log, then 500 incoming messages a second spread over the rooms for 30 seconds. Events reach the view
 * model the way the network delivers them (from another thread, through {@code Platform.runLater}). A probe
 * posted to the FX thread every 5 ms measures how late the FX thread runs it. Prints the longest stall, the
 * percentiles, heap after GC and the time from JVM start to a shown window.
 *
 * <pre>./mvnw -q install -DskipTests   # once: the client needs the other modules installed
 * ./mvnw -q -pl client-fx test-compile exec:exec@window-bench</pre>
 * (arguments: seconds, messages per second; defaults 30 and 500)
 */
public final class WindowBench {
    private static final int ROOMS = 18;
    private static final int PRIVATES = 2;
    private static final int BIG_ROOM_MEMBERS = 1000;
    private static final int OPEN_LOG_LINES = 20_000;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        var shown = new CompletableFuture<Long>();
        var connection = new InjectedConnection();
        var model = new ChatViewModel[1];
        Platform.startup(() -> {
            model[0] = new ChatViewModel(connection, Platform::runLater, new NoSettings(),
                    new ServerTrust(new MemoryPins(), List.of(), null), Clock.systemDefaultZone(), null,
                    (delay, task) -> () -> { }, new Backoff(() -> 1.0));
            var options = new ViewOptions();
            var view = new ChatView(model[0], options, ZoneId.systemDefault(), url -> { });
            options.themeProperty().get().apply(view.root());
            var stage = new Stage();
            var scene = new Scene(view.root(), 1180, 740);
            scene.getStylesheets().add(ChatView.class.getResource(ChatView.STYLESHEET).toExternalForm());
            stage.setScene(scene);
            stage.setOnShown(event -> shown.complete(System.currentTimeMillis()));
            stage.show();
        });
        long shownAt = shown.get(30, TimeUnit.SECONDS);

        // The scene: a session with 18 rooms (the first with 1000 members and 20,000 lines) and 2 private ones.
        onFx(() -> model[0].connect());
        connection.state(ConnectionState.CONNECTED);
        connection.event(ServerEvent.Welcome.fresh("me", "token", null));
        List<String> members = new ArrayList<>(List.of("me"));
        for (int i = 0; i < BIG_ROOM_MEMBERS - 1; i++) {
            members.add("user" + i);
        }
        for (int room = ROOMS - 1; room >= 0; room--) {
            connection.event(new ServerEvent.Joined("room" + room, room == 0 ? members : List.of("me", "user1", "user2"),
                    List.of(), 0));
        }
        for (int i = 0; i < PRIVATES; i++) {
            connection.event(new ServerEvent.WhisperMessage("w" + i, "user" + i, "me", "hello", System.currentTimeMillis()));
        }
        long id = 1;
        for (int i = 0; i < OPEN_LOG_LINES; i++) {
            connection.event(new ServerEvent.Message(String.valueOf(id++), "room0", "user" + (i % 50),
                    "line " + i + " of the backlog, with a link https://example.org/" + i, System.currentTimeMillis()));
        }
        onFx(() -> { });
        System.gc();

        // The load and the probe.
        var lateness = new long[seconds * 1000 / 5 + 100];
        var probes = new AtomicLong();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        timers.scheduleAtFixedRate(() -> {
            long posted = System.nanoTime();
            Platform.runLater(() -> {
                int index = (int) probes.getAndIncrement();
                if (index < lateness.length) {
                    lateness[index] = System.nanoTime() - posted;
                }
            });
        }, 0, 5, TimeUnit.MILLISECONDS);
        long[] nextId = {id};
        int perTick = Math.max(1, perSecond / 100);
        timers.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                long n = nextId[0]++;
                String room = "room" + (n % ROOMS);
                connection.event(new ServerEvent.Message(String.valueOf(n), room, "user" + (n % 40),
                        "message " + n + " mentions me sometimes" + (n % 25 == 0 ? ", me" : ""), System.currentTimeMillis()));
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        Thread.sleep(seconds * 1000L);
        timers.shutdownNow();
        onFx(() -> { });

        long[] measured = Arrays.copyOf(lateness, (int) Math.min(probes.get(), lateness.length));
        Arrays.sort(measured);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "window shown %d ms after JVM start%n", shownAt - jvmStart);
        System.out.printf(Locale.ROOT, "%d conversations, %d members in the open room, %d lines in its log, %d msg/s for %d s (%d messages)%n",
                ROOMS + PRIVATES, BIG_ROOM_MEMBERS, OPEN_LOG_LINES, perSecond, seconds, nextId[0] - id);
        System.out.printf(Locale.ROOT, "FX thread lateness over %d probes: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, longest %.1f ms%n",
                measured.length, ms(measured, 0.50), ms(measured, 0.99), ms(measured, 0.999),
                measured.length == 0 ? 0 : measured[measured.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "heap after GC: %.1f MB%n", heap / 1024.0 / 1024.0);
        Platform.exit();
        System.exit(0);
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static void onFx(Runnable task) throws InterruptedException {
        var done = new CountDownLatch(1);
        Platform.runLater(() -> {
            task.run();
            done.countDown();
        });
        done.await(60, TimeUnit.SECONDS);
    }

    /** Hands events to the view model the way the network thread does. */
    private static final class InjectedConnection implements ChatConnection {
        private volatile Listener listener;

        @Override
        public void setListener(Listener listener) {
            this.listener = listener;
        }

        void event(ServerEvent event) {
            listener.onEvent(event);
        }

        void state(ConnectionState state) {
            listener.onStateChanged(state, null);
        }

        @Override
        public void connect(String host, int port, boolean secure, String resumeToken) {
            listener.onStateChanged(ConnectionState.CONNECTING, null);
        }

        @Override
        public void send(ClientEvent event) {
        }

        @Override
        public CompletableFuture<Void> close() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static final class NoSettings implements Settings.Store {
        @Override
        public Settings load() {
            return Settings.defaults();
        }

        @Override
        public void save(Settings settings) {
        }
    }
}
