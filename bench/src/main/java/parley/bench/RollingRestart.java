package parley.bench;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
        List<ReturningUser> everyone = new ArrayList<>();
        List<CompletableFuture<?>> joined = new ArrayList<>();
        ReturningUser.Observer observer = new ReturningUser.Observer() {
            @Override
            public void stored(String room, int id) {
                BitSet ids = sent.computeIfAbsent(room, r -> new BitSet());
                synchronized (ids) {
                    ids.set(id);
                }
            }

            @Override
            public void duplicate() {
                duplicates.incrementAndGet();
            }

            @Override
            public void leaveSeen() {
                leavesSeen.incrementAndGet();
            }

            @Override
            public void back(long nanos, boolean resumed) {
                if (!resumed) {
                    newSessions.incrementAndGet();
                }
                synchronized (backAfter) {
                    backAfter.recordValue(Math.min(nanos, backAfter.getHighestTrackableValue()));
                }
            }

            @Override
            public void restarted() {
                restarts.incrementAndGet();
            }
        };
        var portWatch = new PortWatch(uri);
        for (int i = 0; i < users; i++) {
            var user = new ReturningUser(http, uri, timer, observer, portWatch, "u" + i, "room" + (i % rooms));
            everyone.add(user);
            joined.add(user.inRoom);
            user.connect();
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

    private void report(List<ReturningUser> everyone) {
        long lost = 0;
        long expected = 0;
        for (ReturningUser user : everyone) {
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
}
