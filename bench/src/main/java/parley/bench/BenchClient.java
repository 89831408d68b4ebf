package parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One load-generating connection speaking Parley protocol v1: it claims a nickname, joins a room, sends
 * requests and reports the messages and whispers it receives. Parsing is deliberately minimal (the texts the
 * benchmark sends need no JSON escapes) so that one process can drive thousands of connections.
 */
final class BenchClient {

    /** What a client receives; called on the HTTP client's threads. */
    interface Receiver {
        void message(String text, long receivedNanos);

        void whisper(String text, long receivedNanos);
    }

    private final String nick;
    private final Receiver receiver;
    private final CompletableFuture<BenchClient> ready = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile boolean stalled;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private BenchClient(String nick, Receiver receiver) {
        this.nick = nick;
        this.receiver = receiver;
    }

    /** Connects, claims {@code nick} and joins {@code room}; completes once the join is acknowledged. */
    static CompletableFuture<BenchClient> open(HttpClient http, URI uri, String nick, String room, Receiver receiver) {
        var client = new BenchClient(nick, receiver);
        http.newWebSocketBuilder().buildAsync(uri, client.new Reader(room))
                .whenComplete((webSocket, failure) -> {
                    if (failure != null) {
                        client.ready.completeExceptionally(failure);
                    }
                });
        return client.ready;
    }

    String nick() {
        return nick;
    }

    void say(String room, String text) {
        send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "\"}");
    }

    void whisper(String to, String text) {
        send("{\"type\":\"whisper\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}");
    }

    /** Sends in call order: the JDK client allows one outstanding send per connection. */
    synchronized void send(String frame) {
        WebSocket target = socket;
        lastSend = lastSend.handle((ignored, failure) -> null).thenCompose(ignored -> target.sendText(frame, true));
    }

    /** Stops reading, as a client whose network or process stalls: the server's queue for it fills up. */
    void stall() {
        stalled = true;
    }

    void close() {
        WebSocket target = socket;
        if (target != null) {
            target.sendClose(WebSocket.NORMAL_CLOSURE, "done").handle((ignored, failure) -> null);
        }
    }

    /** Reads the value of a string field from one of the server's JSON objects. */
    static String field(String json, String name) {
        String key = "\"" + name + "\":\"";
        int start = json.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        return json.substring(start, json.indexOf('"', start));
    }

    private final class Reader implements WebSocket.Listener {
        private final String room;
        private final StringBuilder partial = new StringBuilder();

        Reader(String room) {
            this.room = room;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                handle(frame, now);
            }
            if (!stalled) {
                webSocket.request(1);
            }
            return null;
        }

        private void handle(String frame, long now) {
            String type = field(frame, "type");
            if ("message".equals(type)) {
                receiver.message(field(frame, "text"), now);
            } else if ("whisper".equals(type)) {
                if (nick.equals(field(frame, "to")) && !nick.equals(field(frame, "from"))) {
                    receiver.whisper(field(frame, "text"), now);
                }
            } else if ("welcome".equals(type)) {
                send("{\"type\":\"nick\",\"nick\":\"" + nick + "\",\"ref\":\"nick\"}");
                send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"join\"}");
            } else if ("ok".equals(type) && "join".equals(field(frame, "ref"))) {
                ready.complete(BenchClient.this);
            } else if ("error".equals(type)) {
                ready.completeExceptionally(new IllegalStateException(nick + ": " + field(frame, "message")));
            }
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ready.completeExceptionally(error);
        }
    }
}
