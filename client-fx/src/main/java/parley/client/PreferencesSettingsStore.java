package parley.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.connection.ServerTrust;
import parley.client.viewmodel.Settings;

import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * Keeps the last host, port, nickname and TLS choice in the user's Java preferences, and the certificates the
 * user chose to trust, one fingerprint per {@code host:port}.
 */
final class PreferencesSettingsStore implements Settings.Store, ServerTrust.Pins {
    private static final Logger log = LoggerFactory.getLogger(PreferencesSettingsStore.class);
    private final Preferences preferences = Preferences.userRoot().node("parley/client");
    private final Preferences pins = preferences.node("trusted-certificates");

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
        flush(preferences, "the connection settings");
    }

    @Override
    public String pinned(String server) {
        return pins.get(key(server), null);
    }

    @Override
    public void pin(String server, String fingerprint) {
        pins.put(key(server), fingerprint);
        flush(pins, "the trusted certificate");
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
