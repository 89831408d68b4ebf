package parley.client.viewmodel;

import parley.client.connection.CertificateProblem;
import parley.client.connection.ChatConnection;
import parley.client.connection.ConnectionState;
import parley.protocol.ClientEvent;
import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An in-memory connection: records what the view model sends and lets a test play the server. */
final class FakeChatConnection implements ChatConnection {
    private final List<ClientEvent> sent = new ArrayList<>();
    private Listener listener;
    private String connectedTo;
    private final List<String> resumeTokens = new ArrayList<>();

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void connect(String host, int port, boolean secure, String resumeToken) {
        connectedTo = (secure ? "wss://" : "") + host + ":" + port;
        resumeTokens.add(resumeToken);
        listener.onStateChanged(ConnectionState.CONNECTING, null);
    }

    @Override
    public void send(ClientEvent event) {
        sent.add(event);
    }

    @Override
    public CompletableFuture<Void> close() {
        listener.onStateChanged(ConnectionState.DISCONNECTED, null);
        return CompletableFuture.completedFuture(null);
    }

    void open() {
        listener.onStateChanged(ConnectionState.CONNECTED, null);
    }

    void fail(String why) {
        listener.onStateChanged(ConnectionState.FAILED, why);
    }

    /** The server closed with 1012: it restarts. */
    void restart(String why) {
        listener.onStateChanged(ConnectionState.RESTARTING, why);
    }

    void serverSends(ServerEvent... events) {
        for (ServerEvent event : events) {
            listener.onEvent(event);
        }
    }

    void failOnCertificate(CertificateProblem problem) {
        listener.onCertificateProblem(problem);
        listener.onStateChanged(ConnectionState.FAILED, "the server's certificate is not trusted: " + problem.reason());
    }

    void refuse(String why) {
        listener.onStateChanged(ConnectionState.REFUSED, why);
    }

    /** The resume token of every connect call so far, null for fresh ones. */
    List<String> resumeTokens() {
        return resumeTokens;
    }

    String connectedTo() {
        return connectedTo;
    }

    List<ClientEvent> sent() {
        return sent;
    }

    <E extends ClientEvent> E lastSent(Class<E> type) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (type.isInstance(sent.get(i))) {
                return type.cast(sent.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " sent; sent: " + sent);
    }

    void clear() {
        sent.clear();
    }
}
