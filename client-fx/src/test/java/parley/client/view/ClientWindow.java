package parley.client.view;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import parley.client.connection.MemoryPins;
import parley.client.connection.ServerTrust;
import parley.client.connection.TyrusChatConnection;
import parley.client.logs.LogStore;
import parley.client.viewmodel.Backoff;
import parley.client.viewmodel.ChatViewModel;
import parley.client.chat.LogLine;
import parley.client.viewmodel.Settings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/** One real client window (view, view model and WebSocket connection) for UI tests. */
final class ClientWindow {
    private final Stage stage;
    private final ChatViewModel model;
    private final TyrusChatConnection connection;
    private final PausableExecutor events;
    private final ViewOptions options;
    private final LogStore logStore;
    /** Notifications the window asked for, as "summary | body". */
    private final List<String> notifications = new CopyOnWriteArrayList<>();

    private ClientWindow(Stage stage, ChatViewModel model, TyrusChatConnection connection, PausableExecutor events,
                         ViewOptions options, LogStore logStore) {
        this.stage = stage;
        this.model = model;
        this.connection = connection;
        this.events = events;
        this.options = options;
        this.logStore = logStore;
    }

    static ClientWindow open(int port, int index) throws Exception {
        return open(port, index, false, new ServerTrust(new MemoryPins(), List.of(), null), null);
    }

    /** A window that keeps its logs under this folder. */
    static ClientWindow open(int port, int index, Path logs) throws Exception {
        return open(port, index, false, new ServerTrust(new MemoryPins(), List.of(), null), logs);
    }

    static ClientWindow open(int port, int index, boolean secure, ServerTrust trust) throws Exception {
        return open(port, index, secure, trust, null);
    }

    /**
     * A window for a server at localhost:port, over TLS when secure, trusting as {@code trust} says, keeping logs
     * under {@code logs} when it is not null. Its notifications are recorded, not shown.
     */
    static ClientWindow open(int port, int index, boolean secure, ServerTrust trust, Path logs) throws Exception {
        var holder = new ClientWindow[1];
        FxToolkit.setupFixture(() -> {
            var connection = new TyrusChatConnection(trust);
            var events = new PausableExecutor();
            var model = new ChatViewModel(connection, events, new FixedSettings(new Settings("localhost", port, "", secure)),
                    trust, Clock.systemDefaultZone(), "lobby", ClientWindow::later, new Backoff(() -> 1.0));
            var options = new ViewOptions();
            var view = new ChatView(model, options, ZoneId.systemDefault(), url -> { });
            LogStore store = logs == null ? null : new LogStore(logs, ZoneId.systemDefault(), model::warn);
            if (store != null) {
                model.setLogStore(store, task -> new Thread(task).start());
            }
            var stage = new Stage();
            var scene = new Scene(view.root(), 1000, 600);
            scene.getStylesheets().add(ChatView.class.getResource(ChatView.STYLESHEET).toExternalForm());
            stage.setScene(scene);
            stage.setX(10 + index * 920);
            stage.setY(10);
            options.themeProperty().get().apply(view.root());
            stage.show();
            model.windowFocusedProperty().bind(stage.focusedProperty());
            holder[0] = new ClientWindow(stage, model, connection, events, options, store);
            model.setNotifier((summary, body) -> holder[0].notifications.add(summary + " | " + body));
        });
        return holder[0];
    }

    private static Runnable later(Duration delay, Runnable task) {
        var timer = new PauseTransition(javafx.util.Duration.millis(delay.toMillis()));
        timer.setOnFinished(event -> task.run());
        timer.play();
        return timer::stop;
    }

    <T extends Node> T node(FxRobot robot, String id) {
        return robot.from(stage.getScene().getRoot()).lookup("#" + id).query();
    }

    ViewOptions options() {
        return options;
    }

    List<String> notifications() {
        return notifications;
    }

    ChatViewModel model() {
        return model;
    }

    Stage stage() {
        return stage;
    }

    /** The rendered lines of the open room's log, as the user reads them. */
    @SuppressWarnings("unchecked")
    List<String> logLines() {
        var log = (ListView<LogLine>) stage.getScene().getRoot().lookup("#" + ChatView.LOG);
        return log.getItems().stream().map(line -> LogPane.render(line, ZoneId.systemDefault(), false)).toList();
    }

    /** Holds back server events for this window until resumed, as a slow network would. */
    void pauseEvents() {
        events.pause();
    }

    void resumeEvents() {
        events.resume();
    }

    void close() throws Exception {
        connection.close().get();
        if (logStore != null) {
            logStore.close();
        }
        FxToolkit.setupFixture(stage::close);
    }

    /** Runs tasks on the FX thread, or queues them while paused. */
    private static final class PausableExecutor implements Executor {
        private final Queue<Runnable> held = new ArrayDeque<>();
        private boolean paused;

        @Override
        public synchronized void execute(Runnable task) {
            if (paused) {
                held.add(task);
            } else {
                Platform.runLater(task);
            }
        }

        synchronized void pause() {
            paused = true;
        }

        synchronized void resume() {
            paused = false;
            held.forEach(Platform::runLater);
            held.clear();
        }
    }

    /** Settings that start from given values and are not written anywhere. */
    private record FixedSettings(Settings settings) implements Settings.Store {
        @Override
        public Settings load() {
            return settings;
        }

        @Override
        public void save(Settings ignored) {
            // The windows under test must not touch the user's remembered settings.
        }
    }
}
