package parley.server;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client on the JDK's WebSocket (as the desktop client is), for TLS tests: raw frames in, raw frames out. */
final class JdkWire implements AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private final WebSocket socket;

    private JdkWire(URI uri, SSLContext tls, String... protocols) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            http.sslContext(tls);
            if (protocols.length > 0) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setProtocols(protocols);
                http.sslParameters(parameters);
            }
        }
        socket = http.build().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason = reason;
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.complete(-1);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    static JdkWire open(URI uri, SSLContext tls, String... protocols) throws Exception {
        return new JdkWire(uri, tls, protocols);
    }

    /** The next text frame, waiting up to 10 s. */
    String next() throws InterruptedException {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the server within 10 s");
        }
        return frame;
    }

    /** The next frame whose JSON holds this text. */
    String nextWith(String part) throws InterruptedException {
        while (true) {
            String frame = next();
            if (frame.contains(part)) {
                return frame;
            }
        }
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    int awaitCloseCode() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    /** The reason of the server's close frame; call after {@link #awaitCloseCode}. */
    String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
