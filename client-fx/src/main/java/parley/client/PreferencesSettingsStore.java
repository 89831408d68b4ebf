package parley.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.connection.ServerTrust;
import parley.client.view.Theme;
import parley.client.view.ViewOptions;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.JoinsAndLeaves;
import parley.client.viewmodel.SavedServer;
import parley.client.viewmodel.Settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * Keeps the last host, port, nickname and TLS choice in the user's Java preferences, the certificates the user
 * chose to trust (one fingerprint per {@code host:port}), and how the window looks. Writing to disk happens on a
 * thread of its own, never on the FX thread. A value that cannot be read falls back to its default, with one
 * warning for all of them.
 */
final class PreferencesSettingsStore implements Settings.Store, ServerTrust.Pins, SavedServer.Store {
    private static final Logger log = LoggerFactory.getLogger(PreferencesSettingsStore.class);
    private final Preferences preferences = Preferences.userRoot().node("parley/client");
    private final Preferences pins = preferences.node("trusted-certificates");
    private final Preferences look = preferences.node("look");
    private final Preferences servers = preferences.node("servers");
    private final Executor flusher = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-preferences");
        thread.setDaemon(true);
        return thread;
    });

    /** Fills the window's options from what was saved, and saves every later change. */
    void keepLook(ViewOptions options, ChatViewModel model) {
        List<String> unreadable = new ArrayList<>();
        options.themeProperty().set(read(unreadable, "theme", Theme.LIGHT, value -> Theme.valueOf(value)));
        options.zoomProperty().set(read(unreadable, "zoom", 1.0, value -> {
            double zoom = Double.parseDouble(value);
            if (!(zoom >= ViewOptions.MIN_ZOOM && zoom <= ViewOptions.MAX_ZOOM)) {
                throw new IllegalArgumentException("out of range");
            }
            return zoom;
        }));
        options.showSecondsProperty().set(read(unreadable, "showSeconds", false, PreferencesSettingsStore::bool));
        options.memberListVisibleProperty().set(read(unreadable, "memberList", true, PreferencesSettingsStore::bool));
        options.keepLogsProperty().set(read(unreadable, "keepLogs", true, PreferencesSettingsStore::bool));
        model.joinsAndLeavesProperty().set(read(unreadable, "joinsAndLeaves", JoinsAndLeaves.SMART, JoinsAndLeaves::valueOf));
        model.highlightWords().setAll(read(unreadable, "highlightWords", List.<String>of(),
                value -> value.isEmpty() ? List.of() : Arrays.asList(value.split("\n"))));
        if (!unreadable.isEmpty()) {
            log.warn("Some saved settings could not be read and are back to their defaults: {}", unreadable);
        }
        options.themeProperty().addListener((o, old, value) -> put("theme", value.name()));
        options.zoomProperty().addListener((o, old, value) -> put("zoom", String.valueOf(value.doubleValue())));
        options.showSecondsProperty().addListener((o, old, value) -> put("showSeconds", value.toString()));
        options.memberListVisibleProperty().addListener((o, old, value) -> put("memberList", value.toString()));
        options.keepLogsProperty().addListener((o, old, value) -> put("keepLogs", value.toString()));
        model.joinsAndLeavesProperty().addListener((o, old, value) -> put("joinsAndLeaves", value.name()));
        model.highlightWords().addListener((javafx.collections.ListChangeListener<String>) change ->
                put("highlightWords", String.join("\n", model.highlightWords())));
    }

    @Override
    public List<SavedServer> loadServers() {
        List<SavedServer> loaded = new ArrayList<>();
        try {
            String[] names = servers.childrenNames();
            Arrays.sort(names, java.util.Comparator.comparingInt(PreferencesSettingsStore::number));
            for (String child : names) {
                Preferences node = servers.node(child);
                int port = node.getInt("port", -1);
                String host = node.get("host", "");
                if (host.isBlank() || port < 1 || port > 65_535) {
                    log.warn("A saved server could not be read and is left out: {}", child);
                    continue;
                }
                String rooms = node.get("rooms", "");
                loaded.add(new SavedServer(node.get("name", host + ":" + port), host, port,
                        node.getBoolean("secure", false), node.get("nick", ""),
                        rooms.isEmpty() ? List.of() : Arrays.asList(rooms.split("\n")),
                        node.get("clientCertificate", ""), node.getBoolean("connectAtStart", false)));
            }
        } catch (BackingStoreException | IllegalStateException e) {
            log.warn("The saved servers could not be read: {}", e.getMessage());
        }
        return loaded;
    }

    @Override
    public void saveServers(List<SavedServer> list) {
        try {
            for (String child : servers.childrenNames()) {
                servers.node(child).removeNode();
            }
            for (int i = 0; i < list.size(); i++) {
                SavedServer server = list.get(i);
                Preferences node = servers.node(String.valueOf(i));
                node.put("name", server.name());
                node.put("host", server.host());
                node.putInt("port", server.port());
                node.putBoolean("secure", server.secure());
                node.put("nick", server.nick());
                node.put("rooms", String.join("\n", server.rooms()));
                node.put("clientCertificate", server.clientCertificate());
                node.putBoolean("connectAtStart", server.connectAtStart());
            }
        } catch (BackingStoreException e) {
            log.warn("Could not remember the servers: {}", e.getMessage());
            return;
        }
        flusher.execute(() -> flush(servers, "the saved servers"));
    }

    private static int number(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private <T> T read(List<String> unreadable, String key, T fallback, java.util.function.Function<String, T> parse) {
        String value = look.get(key, null);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (RuntimeException e) {
            unreadable.add(key + "=" + value);
            return fallback;
        }
    }

    private static boolean bool(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("not a boolean");
        }
        return Boolean.parseBoolean(value);
    }

    private void put(String key, String value) {
        look.put(key, value);
        flusher.execute(() -> flush(look, "the look of the window"));
    }

    @Override
    public Settings load() {
        int port = preferences.getInt("port", Settings.DEFAULT_PORT);
        return new Settings(preferences.get("host", Settings.DEFAULT_HOST),
                port >= 1 && port <= 65_535 ? port : Settings.DEFAULT_PORT,
                preferences.get("nick", ""), preferences.getBoolean("secure", false));
    }

    @Override
    public void save(Settings settings) {
        preferences.put("host", settings.host());
        preferences.putInt("port", settings.port());
        preferences.put("nick", settings.nick());
        preferences.putBoolean("secure", settings.secure());
        flusher.execute(() -> flush(preferences, "the connection settings"));
    }

    @Override
    public String pinned(String server) {
        return pins.get(key(server), null);
    }

    @Override
    public void pin(String server, String fingerprint) {
        pins.put(key(server), fingerprint);
        flusher.execute(() -> flush(pins, "the trusted certificate"));
    }

    /** Preference keys are at most 80 characters; a longer host name is kept under its digest. */
    private static String key(String server) {
        if (server.length() <= Preferences.MAX_KEY_LENGTH) {
            return server;
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(server.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void flush(Preferences node, String what) {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            log.warn("Could not remember {}: {}", what, e.getMessage());
        }
    }
}
