package parley.client.viewmodel;

/** Shows a desktop notification. Implementations return at once: nothing of this may block the FX thread. */
public interface Notifier {
    void show(String summary, String body);

    /** For windows that notify nobody. */
    Notifier NONE = (summary, body) -> { };
}
