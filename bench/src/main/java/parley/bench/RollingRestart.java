package parley.bench;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users who keep chatting through a rolling restart of a cluster behind a load balancer ({@code
 * tools/rolling-restart.sh} restarts the nodes meanwhile). Each user is in one room and says something now and
 * then; closed with 1012 it comes back within 0–2 s, resuming with its token, and joins its room again with
 * {@code since}, as Parley's window does. At the end it reports the messages lost (acknowledged to their sender
 * but never seen by a member of their room), the messages seen twice, the leaves other users saw, and how long
 * users took from their 1012 to being back in their room.
 *
 * <pre>java -cp parley-bench.jar parley.bench.RollingRestart URL USERS ROOMS SECONDS MESSAGES_PER_SECOND</pre>
 */
public final class RollingRestart {
    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    /** Acknowledged message ids per room. */
    private final Map<String, BitSet> sent = new ConcurrentHashMap<>();
    private final Histogram backAfter = new Histogram(60_000_000_000L, 3);
    private final AtomicLong leavesSeen = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong newSessions = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean sending = true;

    private RollingRestart(URI uri) {
        this.uri = uri;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RollingRestart URL USERS ROOMS SECONDS MESSAGES_PER_SECOND");
            System.exit(2);
        }
        var run = new RollingRestart(URI.create(args[0]));
        run.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]));
        System.exit(0);
    }

    private void run(int users, int rooms, int seconds, double perSecond) throws Exception {
        List<User> everyone = new ArrayList<>();
        List<CompletableFuture<?>> joined = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            var user = new User("u" + i, "room" + (i % rooms));
            everyone.add(user);
            joined.add(user.inRoom);
            user.connect(null);
        }
        CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        System.out.printf("%d users in %d rooms, saying %.0f messages/s in all, for %d s%n", users, rooms, perSecond, seconds);
        long periodMicros = Math.round(1_000_000.0 / perSecond);
        timer.scheduleAtFixedRate(() -> {
            if (sending) {
                everyone.get(ThreadLocalRandom.current().nextInt(users)).say();
            }
        }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(seconds * 1000L);
        sending = false;
        // Whoever is still on the way back gets there; then everything said has had time to arrive.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (everyone.stream().anyMatch(user -> !user.inRoomNow) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(3_000);
        report(everyone);
    }

    private void report(List<User> everyone) {
        long lost = 0;
        long expected = 0;
        for (User user : everyone) {
            BitSet acknowledged = sent.getOrDefault(user.room, new BitSet());
            BitSet missing = (BitSet) acknowledged.clone();
            missing.andNot(user.received);
            lost += missing.cardinality();
            expected += acknowledged.cardinality();
        }
        long notBack = everyone.stream().filter(user -> !user.inRoomNow).count();
        System.out.printf("closed with 1012 and back: %d (new sessions instead of resumed: %d; not back: %d)%n",
                restarts.get(), newSessions.get(), notBack);
        System.out.printf("messages: %d deliveries expected, lost %d, seen twice %d; leaves seen by others: %d%n",
                expected, lost, duplicates.get(), leavesSeen.get());
        if (backAfter.getTotalCount() > 0) {
            System.out.printf("back in their room after the 1012: p50 %.2f s, p99 %.2f s, max %.2f s%n",
                    backAfter.getValueAtPercentile(50) / 1e9, backAfter.getValueAtPercentile(99) / 1e9,
                    backAfter.getMaxValue() / 1e9);
        }
    }

    /** One person: a nickname, a room, a session to resume, and what they have seen there. */
    private final class User implements WebSocket.Listener {
        private final String nick;
        private final String room;
        private final CompletableFuture<Void> inRoom = new CompletableFuture<>();
        private final BitSet received = new BitSet();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private volatile String token;
        private volatile boolean inRoomNow;
        private volatile long closedAt;
        private long lastId;
        private int refs;
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

        User(String nick, String room) {
            this.nick = nick;
            this.room = room;
        }

        void connect(String resumeToken) {
            URI target = resumeToken == null ? uri : URI.create(uri + "?resume=" + resumeToken);
            http.newWebSocketBuilder().buildAsync(target, this).whenComplete((ws, failure) -> {
                if (failure != null) {
                    timer.schedule(() -> connect(token), 500, TimeUnit.MILLISECONDS);
                }
            });
        }

        void say() {
            if (inRoomNow) {
                send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + nick + "-" + (++refs)
                        + "\",\"ref\":\"s" + refs + "\"}");
            }
        }

        private synchronized void send(String frame) {
            WebSocket target = socket;
            if (target == null) {
                return;
            }
            lastSend = lastSend.handle((ignored, failure) -> null).thenCompose(ignored -> target.sendText(frame, true));
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
            switch (type == null ? "" : type) {
                case "welcome" -> {
                    boolean resumed = frame.contains("\"resumed\":true");
                    boolean first = token == null;
                    token = BenchClient.field(frame, "resume");
                    if (resumed) {
                        send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":\"" + lastId + "\",\"ref\":\"join\"}");
                    } else {
                        if (!first) {
                            newSessions.incrementAndGet();
                        }
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
                        leavesSeen.incrementAndGet();
                    }
                }
                case "ok" -> {
                    String ref = BenchClient.field(frame, "ref");
                    String id = BenchClient.field(frame, "id");
                    if ("join".equals(ref)) {
                        if (closedAt != 0) {
                            backAfter.recordValue(Math.min(System.nanoTime() - closedAt, backAfter.getHighestTrackableValue()));
                            closedAt = 0;
                        }
                        inRoomNow = true;
                        inRoom.complete(null);
                    } else if (ref != null && ref.startsWith("s") && id != null) {
                        BitSet ids = sent.computeIfAbsent(room, r -> new BitSet());
                        synchronized (ids) {
                            ids.set(Integer.parseInt(id));
                        }
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
                duplicates.incrementAndGet();
            }
            received.set(number);
            lastId = Math.max(lastId, number);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (statusCode == 1012) {
                restarts.incrementAndGet();
                lost(webSocket, ThreadLocalRandom.current().nextLong(2_000));
            } else {
                lost(webSocket, 500);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(webSocket, 500);
        }

        /** The connection ended: come back after {@code delayMillis}, once, resuming. */
        private synchronized void lost(WebSocket webSocket, long delayMillis) {
            if (socket != webSocket) {
                return;
            }
            socket = null;
            inRoomNow = false;
            if (closedAt == 0) {
                closedAt = System.nanoTime();
            }
            timer.schedule(() -> connect(token), delayMillis, TimeUnit.MILLISECONDS);
        }
    }
}
