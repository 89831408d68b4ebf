package parley.client;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.connection.ServerTrust;
import parley.client.connection.TyrusChatConnection;
import parley.client.logs.LogStore;
import parley.client.notify.Notifiers;
import parley.client.viewmodel.Backoff;
import parley.client.viewmodel.ChatViewModel;
import parley.client.view.ChatView;
import parley.client.view.ViewOptions;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The desktop application: wires connection, view model and view into one window. */
public final class ParleyClientApp extends Application {
    private static final Logger log = LoggerFactory.getLogger(ParleyClientApp.class);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-client-timer");
        thread.setDaemon(true);
        return thread;
    });
    private TyrusChatConnection connection;
    private LogStore logStore;

    @Override
    public void start(Stage stage) {
        ClientOptions options = ClientOptions.parse(getParameters().getRaw().toArray(String[]::new));
        if (options == null) {
            Platform.exit();
            return;
        }
        var settings = new PreferencesSettingsStore();
        ServerTrust trust;
        try {
            trust = options.serverTrust(settings);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("parley-client: " + e.getMessage());
            Platform.exit();
            return;
        }
        connection = new TyrusChatConnection(trust);
        var model = new ChatViewModel(connection, Platform::runLater, settings, trust,
                Clock.systemDefaultZone(), options.room, ParleyClientApp::later,
                new Backoff(ThreadLocalRandom.current()::nextDouble));
        if (options.host != null) {
            model.session().hostProperty().set(options.host);
        }
        if (options.port != null) {
            model.session().portProperty().set(String.valueOf(options.port));
        }
        if (options.nick != null) {
            model.nicknameProperty().set(options.nick);
        }
        if (options.secure != null) {
            model.session().secureProperty().set(options.secure);
        }
        var viewOptions = new ViewOptions();
        settings.keepLook(viewOptions, model);
        var view = new ChatView(model, viewOptions, ZoneId.systemDefault(), getHostServices()::showDocument);
        viewOptions.themeProperty().get().apply(view.root());
        model.setNotifier(Notifiers.forThisSystem(view.toastNotifier()));
        logStore = new LogStore(LogStore.defaultRoot(), ZoneId.systemDefault(),
                warning -> Platform.runLater(() -> model.warn(warning)));
        logStore.setEnabled(viewOptions.keepLogsProperty().get());
        viewOptions.keepLogsProperty().addListener((observable, old, keep) -> logStore.setEnabled(keep));
        model.setLogStore(logStore, TIMER);
        model.setBackground(TIMER);
        model.savedServers().setStore(settings);
        model.setOnQuit(stage::hide);

        var scene = new Scene(view.root(), 1180, 740);
        scene.getStylesheets().add(ParleyClientApp.class.getResource(ChatView.STYLESHEET).toExternalForm());
        stage.setScene(scene);
        stage.getIcons().add(new javafx.scene.image.Image(
                ParleyClientApp.class.getResource("/parley/client/view/parley.png").toExternalForm()));
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            int unread = model.totalUnreadProperty().get();
            String nick = model.myNickProperty().get();
            return (unread > 0 ? "(" + unread + ") " : "") + "Parley" + (nick.isEmpty() ? "" : " — " + nick);
        }, model.totalUnreadProperty(), model.myNickProperty()));
        model.windowFocusedProperty().bind(stage.focusedProperty().and(stage.iconifiedProperty().not()));
        stage.setMinWidth(760);
        stage.setMinHeight(420);
        stage.show();

        // SIGTERM runs shutdown hooks, not stop(): say goodbye to the server there too.
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeConnection, "parley-client-shutdown"));
        if (options.connectAtOnce()) {
            model.connect();
        } else if (model.savedServers().forStart() != null) {
            // The command line wins over the saved servers: only without --host, --port or --nick.
            model.useServer(model.savedServers().forStart());
            model.connect();
        }
    }

    private static Runnable later(Duration delay, Runnable task) {
        ScheduledFuture<?> pending = TIMER.schedule(() -> Platform.runLater(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> pending.cancel(false);
    }

    @Override
    public void stop() {
        closeConnection();
    }

    private void closeConnection() {
        if (logStore != null) {
            logStore.close();
        }
        if (connection != null) {
            try {
                connection.close().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Leaving without a clean close: {}", e.toString());
            }
        }
    }
}
