package parley.server.chat;

import java.util.function.Function;

/**
 * A server event encoded once for any number of recipients. The transport may derive its own wire form from
 * the JSON (a WebSocket frame) and keep it here, so a room message is framed once, not once per member.
 */
public final class EncodedEvent {
    private final String json;
    private volatile Object wireForm;

    public EncodedEvent(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    /**
     * The transport's form of this event, made by {@code make} on first use. Thread-safe; two threads racing
     * may both make it, and either result is kept. A transport must always pass the same kind of function.
     */
    @SuppressWarnings("unchecked")
    public <T> T wireForm(Function<String, T> make) {
        Object form = wireForm;
        if (form == null) {
            form = make.apply(json);
            wireForm = form;
        }
        return (T) form;
    }

    @Override
    public String toString() {
        return json;
    }
}
