package parley.client.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Trusted certificates kept in memory only, so tests never touch the user's preferences. */
public final class MemoryPins implements ServerTrust.Pins {
    private final Map<String, String> pins = new ConcurrentHashMap<>();

    @Override
    public String pinned(String server) {
        return pins.get(server);
    }

    @Override
    public void pin(String server, String fingerprint) {
        pins.put(server, fingerprint);
    }
}
