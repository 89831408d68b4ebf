package parley.client.viewmodel;

/** What the client remembers between launches; {@code secure} means TLS ({@code wss://}). */
public record Settings(String host, int port, String nick, boolean secure) {
    public Settings(String host, int port, String nick) {
        this(host, port, nick, false);
    }

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 8025;

    public static Settings defaults() {
        return new Settings(DEFAULT_HOST, DEFAULT_PORT, "");
    }

    /** Where settings are kept; implementations must tolerate missing or damaged data by returning defaults. */
    public interface Store {
        Settings load();

        void save(Settings settings);
    }
}
