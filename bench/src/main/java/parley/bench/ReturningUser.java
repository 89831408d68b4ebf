package parley.bench;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One person who keeps coming back, as Parley's window does: in one room, saying something when asked; when the
 * connection ends it reconnects (after a random 0–2 s on 1012, and while the server is not back every 0.5–1 s for
 * up to 40 tries; else with backoff from 0.5 s), resumes with its
 * token, and joins its room again with {@code since}; a server that forgot the session gets a fresh nickname
 * claim and join. It notes every room message id it sees, so that losses and repeats can be counted.
 */
final class ReturningUser implements WebSocket.Listener {
    /** What the users of a run report. */
    interface Observer {
        /** The server stored a message this user said: room and id. */
        void stored(String room, int id);

        /** The user saw a message id a second time. */
        void duplicate();

        /** A member of the user's room left, as far as the user was told. */
        void leaveSeen();

        /** The user is back in its room, {@code nanos} after its connection ended; {@code resumed}: same session. */
        void back(long nanos, boolean resumed);

        /** The server closed the connection with 1012. */
        void restarted();
    }

    private static final long MAX_BACKOFF_MILLIS = 8_000;
    private static final int RESTART_TRIES = 40;

    private final HttpClient http;
    private final URI uri;
    private final ScheduledExecutorService timer;
    private final Observer observer;
    private final PortWatch portWatch;
    final String nick;
    final String room;
    final CompletableFuture<Void> inRoom = new CompletableFuture<>();
    final BitSet received = new BitSet();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile String token;
    volatile boolean inRoomNow;
    private volatile long lostAt;
    private boolean resumed;
    private int attempts;
    /** Quick tries left after a 1012, before the backoff. */
    private volatile int restartTriesLeft;
    /** What last happened to this user, for the report of those that did not come back. */
    volatile String lastEvent = "created";
    private int lastId;
    private int refs;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    ReturningUser(HttpClient http, URI uri, ScheduledExecutorService timer, Observer observer, PortWatch portWatch,
                  String nick, String room) {
        this.http = http;
        this.uri = uri;
        this.timer = timer;
        this.observer = observer;
        this.portWatch = portWatch;
        this.nick = nick;
        this.room = room;
    }

    void connect() {
        if (portWatch.isClosed()) {
            lastEvent = "could not connect: the port is closed";
            comeBack(backoff());
            return;
        }
        String resumeToken = token;
        URI target = resumeToken == null ? uri : URI.create(uri + "?resume=" + resumeToken);
        lastEvent = "connecting" + (resumeToken == null ? "" : " to resume");
        http.newWebSocketBuilder().buildAsync(target, this).whenComplete((ws, failure) -> {
            if (failure != null) {
                lastEvent = "could not connect: " + failure;
                if (failure.getCause() instanceof ConnectException) {
                    portWatch.refused();
                }
                comeBack(backoff());
            }
        });
    }

    void say() {
        if (inRoomNow) {
            send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + nick + "-" + (++refs) + "\",\"ref\":\"s" + refs + "\"}");
        }
    }

    private synchronized void send(String frame) {
        WebSocket target = socket;
        if (target != null) {
            lastSend = lastSend.handle((ignored, failure) -> null).thenCompose(ignored -> target.sendText(frame, true));
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            synchronized (this) {
                handle(frame);
            }
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String frame) {
        String type = BenchClient.field(frame, "type");
        if (!"message".equals(type) && !"presence".equals(type)) {
            lastEvent = frame.length() > 200 ? frame.substring(0, 200) + "..." : frame;
        }
        switch (type == null ? "" : type) {
            case "welcome" -> {
                resumed = frame.contains("\"resumed\":true");
                token = BenchClient.field(frame, "resume");
                if (resumed) {
                    send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":\"" + lastId + "\",\"ref\":\"join\"}");
                } else {
                    // A new session: ids of the room start again.
                    lastId = 0;
                    received.clear();
                    send("{\"type\":\"nick\",\"nick\":\"" + nick + "\",\"ref\":\"nick\"}");
                    send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"join\"}");
                }
            }
            case "joined" -> {
                int history = frame.indexOf("\"history\":[");
                for (int at = frame.indexOf("\"type\":\"message\"", history); at >= 0;
                     at = frame.indexOf("\"type\":\"message\"", at + 1)) {
                    seen(frame.substring(at));
                }
            }
            case "message" -> seen(frame);
            case "presence" -> {
                if (frame.contains("\"event\":\"leave\"")) {
                    observer.leaveSeen();
                }
            }
            case "ok" -> {
                String ref = BenchClient.field(frame, "ref");
                String id = BenchClient.field(frame, "id");
                if ("join".equals(ref)) {
                    attempts = 0;
                    restartTriesLeft = 0;
                    if (lostAt != 0) {
                        observer.back(System.nanoTime() - lostAt, resumed);
                        lostAt = 0;
                    }
                    inRoomNow = true;
                    inRoom.complete(null);
                } else if (ref != null && ref.startsWith("s") && id != null) {
                    observer.stored(room, Integer.parseInt(id));
                }
            }
            default -> { }
        }
    }

    /** A room message, live or from a join's history: its id must be new to this user. */
    private void seen(String message) {
        String id = BenchClient.field(message, "id");
        if (id == null) {
            return;
        }
        int number = Integer.parseInt(id);
        if (received.get(number)) {
            observer.duplicate();
        }
        received.set(number);
        lastId = Math.max(lastId, number);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lastEvent = "closed " + statusCode + " " + reason;
        if (statusCode == 1012) {
            observer.restarted();
            restartTriesLeft = RESTART_TRIES;
            lost(webSocket, ThreadLocalRandom.current().nextLong(2_000));
        } else {
            lost(webSocket, backoff());
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lastEvent = "failed: " + error;
        lost(webSocket, backoff());
    }

    /** The connection ended: come back after {@code delayMillis}, once. */
    private synchronized void lost(WebSocket webSocket, long delayMillis) {
        if (socket != webSocket) {
            return;
        }
        socket = null;
        comeBack(delayMillis);
    }

    private synchronized void comeBack(long delayMillis) {
        inRoomNow = false;
        if (lostAt == 0) {
            lostAt = System.nanoTime();
        }
        timer.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * 0.5 s doubling up to 8 s, from the upper half of each step, as the window waits; while a restarting server is
     * not back, 0.5–1 s.
     */
    private long backoff() {
        if (restartTriesLeft > 0) {
            restartTriesLeft--;
            return 500 + ThreadLocalRandom.current().nextLong(501);
        }
        long step = Math.min(MAX_BACKOFF_MILLIS, 500L << Math.min(attempts++, 10));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }
}
