package parley.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.viewmodel.Settings;

import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** Keeps the last host, port and nickname in the user's Java preferences. */
final class PreferencesSettingsStore implements Settings.Store {
    private static final Logger log = LoggerFactory.getLogger(PreferencesSettingsStore.class);
    private final Preferences preferences = Preferences.userRoot().node("parley/client");

    @Override
    public Settings load() {
        int port = preferences.getInt("port", Settings.DEFAULT_PORT);
        return new Settings(preferences.get("host", Settings.DEFAULT_HOST),
                port >= 1 && port <= 65_535 ? port : Settings.DEFAULT_PORT,
                preferences.get("nick", ""));
    }

    @Override
    public void save(Settings settings) {
        preferences.put("host", settings.host());
        preferences.putInt("port", settings.port());
        preferences.put("nick", settings.nick());
        try {
            preferences.flush();
        } catch (BackingStoreException e) {
            log.warn("Could not remember the connection settings: {}", e.getMessage());
        }
    }
}
