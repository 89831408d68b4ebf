package parley.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parley's load generator: drives a Parley server at any URL with many connections from one process and
 * reports delivered rates, latency percentiles (HdrHistogram) and, for a local server, its CPU time per
 * delivery and memory per connection.
 */
@Command(name = "parley-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures a Parley server. Scenarios: fanout (with --stalled for slow consumers), whispers, idle, storm, restart.")
public final class ParleyBench implements Callable<Integer> {
    private static final long P99_LIMIT_MICROS = 100_000;
    private static final String ROOM = "bench";
    /** How often the restart scenario counts the users in their rooms. */
    private static final long POLL_MILLIS = 50;

    @Option(names = "--url", defaultValue = "ws://127.0.0.1:8025/chat", description = "Server URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--listen-url", description = "In fanout: where the members that only listen connect (default: --url)."
            + " Another node of a cluster measures delivery across nodes.")
    URI listenUrl;

    @Option(names = "--scenario", required = true, description = "fanout | whispers | idle | storm | restart")
    String scenario;

    @Option(names = "--clients", defaultValue = "100", description = "Connections (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--senders", defaultValue = "10", description = "Senders in fanout (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--stalled", defaultValue = "0",
            description = "Extra fanout members that stop reading once joined (default: ${DEFAULT-VALUE}).")
    int stalled;

    @Option(names = "--rates", split = ",", defaultValue = "10,20,40,80,160,320",
            description = "Offered messages per second, stepped up until a step fails (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--duration", defaultValue = "5", description = "Seconds per step (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Seconds of load at the first rate before measuring, so the server's JIT has compiled the hot path (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--concurrency", defaultValue = "50", description = "Connects in flight in idle/storm (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--server-pid", defaultValue = "0",
            description = "Pid of a server on this machine, for CPU per delivery and memory (default: none).")
    long serverPid;

    @Option(names = "--restart", description = "In restart: a shell command that restarts the server, or kills one node"
            + " of a cluster (run with sh -c once every user is in; the users come back through --url).")
    String restartCommand;

    @Option(names = "--rooms", defaultValue = "100", description = "Rooms in storm and restart (default: ${DEFAULT-VALUE}).")
    int rooms;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()))).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParleyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var server = new ServerProcess(serverPid);
        return switch (scenario) {
            case "fanout" -> fanout(out, server);
            case "whispers" -> whispers(out, server);
            case "idle" -> idle(out, server);
            case "storm" -> storm(out, server);
            case "restart" -> restart(out);
            default -> {
                spec.commandLine().getErr().println("parley-bench: unknown scenario " + scenario);
                yield 2;
            }
        };
    }

    /** Results of one rate step. */
    record Step(int rate, long offered, long delivered, long expected, Histogram latency, long serverCpuMicros,
                double seconds) {
        boolean passed() {
            return delivered == expected && latency.getValueAtPercentile(99) < P99_LIMIT_MICROS;
        }

        String describe() {
            String cpu = serverCpuMicros > 0 && delivered > 0
                    ? String.format(Locale.ROOT, ", server CPU %.2f µs/delivery", serverCpuMicros / (double) delivered) : "";
            return String.format(Locale.ROOT, "rate %d msg/s: delivered %.0f/s, missing %d, p50 %.1f ms, p99 %.1f ms, p999 %.1f ms,"
                            + " max %.1f ms%s -> %s", rate, delivered / seconds, expected - delivered,
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0, cpu,
                    passed() ? "PASS" : "FAIL");
        }
    }

    private int fanout(PrintWriter out, ServerProcess server) throws Exception {
        var latency = new Recorder(3);
        var received = new AtomicLong();
        List<BenchClient> all = connect(clients, i -> ROOM, new Counting(latency, received));
        List<BenchClient> talkers = all.subList(0, Math.min(senders, all.size()));
        List<BenchClient> stallers = connect(stalled, i -> ROOM, new Counting(new Recorder(3), new AtomicLong()));
        stallers.forEach(BenchClient::stall);
        out.printf(Locale.ROOT, "fanout: %d clients in one room, %d senders%s%n", all.size(), talkers.size(),
                stallers.isEmpty() ? "" : ", and " + stallers.size() + " members that stopped reading");
        return stepRates(out, server, latency, received, clients, (sequence, text) ->
                talkers.get(sequence % talkers.size()).say(ROOM, text));
    }

    private int whispers(PrintWriter out, ServerProcess server) throws Exception {
        var latency = new Recorder(3);
        var received = new AtomicLong();
        List<BenchClient> all = connect(clients, i -> ROOM + (i % 100), new Counting(latency, received));
        out.printf(Locale.ROOT, "whispers: %d clients, random pairs%n", all.size());
        return stepRates(out, server, latency, received, 1, (sequence, text) -> {
            var random = ThreadLocalRandom.current();
            BenchClient from = all.get(random.nextInt(all.size()));
            BenchClient to = all.get(random.nextInt(all.size()));
            if (to == from) {
                to = all.get((all.indexOf(from) + 1) % all.size());
            }
            from.whisper(to.nick(), text);
        });
    }

    /** Sends at each offered rate in turn; stops after the first failing step. */
    private int stepRates(PrintWriter out, ServerProcess server, Recorder latency, AtomicLong received,
                          int deliveriesPerMessage, Sender sender) throws Exception {
        if (warmupSeconds > 0) {
            offer(sender, rates.get(0), (long) rates.get(0) * warmupSeconds);
            TimeUnit.SECONDS.sleep(1);
        }
        Step best = null;
        for (int rate : rates) {
            latency.reset();
            received.set(0);
            long cpuBefore = server.cpuMicros();
            long total = (long) rate * durationSeconds;
            double seconds = offer(sender, rate, total);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long expected = total * deliveriesPerMessage;
            while (received.get() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            var step = new Step(rate, total, received.get(), expected, latency.getIntervalHistogram(),
                    server.cpuMicros() - cpuBefore, seconds);
            out.println(step.describe());
            out.flush();
            if (!step.passed()) {
                break;
            }
            best = step;
        }
        out.println(best == null ? "no rate held" : "highest rate that held: " + best.rate() + " msg/s");
        return 0;
    }

    /** Sends {@code total} messages at {@code rate} per second; returns the seconds it took. */
    private static double offer(Sender sender, int rate, long total) throws Exception {
        long start = System.nanoTime();
        for (long n = 0; n < total; n++) {
            long due = start + n * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            // The intended send time travels in the text, so a late send counts as latency.
            sender.send((int) n, Long.toString(due));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private int idle(PrintWriter out, ServerProcess server) throws Exception {
        long rssBefore = server.rssKib();
        long heapBefore = server.heapAfterGcKib();
        List<BenchClient> all = connect(clients, i -> ROOM + (i % 100), new Counting(new Recorder(3), new AtomicLong()));
        long rssAfter = server.rssKib();
        long heapAfter = server.heapAfterGcKib();
        out.printf(Locale.ROOT, "idle: %d connections, nicknamed and joined%n", all.size());
        if (server.isLocal()) {
            out.printf(Locale.ROOT, "RSS %d -> %d KiB: %.1f KiB per connection%n", rssBefore, rssAfter,
                    (rssAfter - rssBefore) / (double) all.size());
            if (heapBefore >= 0 && heapAfter >= 0) {
                out.printf(Locale.ROOT, "heap after GC %d -> %d KiB: %.1f KiB per connection%n", heapBefore, heapAfter,
                        (heapAfter - heapBefore) / (double) all.size());
            }
        }
        all.forEach(BenchClient::close);
        return 0;
    }

    private int storm(PrintWriter out, ServerProcess server) throws Exception {
        var timeToJoined = new Histogram(3);
        long cpuBefore = server.cpuMicros();
        long rssBefore = server.rssKib();
        long start = System.nanoTime();
        List<BenchClient> all = connect(clients, i -> ROOM + (i % rooms), new Counting(new Recorder(3), new AtomicLong()),
                timeToJoined);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "storm: %d clients connected, nicknamed and joined %d rooms in %.2f s: %.0f/s; time to joined"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", all.size(), rooms, seconds, all.size() / seconds,
                timeToJoined.getValueAtPercentile(50) / 1000.0, timeToJoined.getValueAtPercentile(99) / 1000.0,
                timeToJoined.getMaxValue() / 1000.0);
        if (server.isLocal()) {
            // Warm-up included: every storm starts against whatever the server's JIT has compiled so far.
            out.printf(Locale.ROOT, "server CPU %.0f µs per client; RSS %d -> %d KiB: %.1f KiB per connection%n",
                    (server.cpuMicros() - cpuBefore) / (double) all.size(), rssBefore, server.rssKib(),
                    (server.rssKib() - rssBefore) / (double) all.size());
        }
        all.forEach(BenchClient::close);
        return 0;
    }

    /**
     * Users in rooms, the server restarted under them (--restart), and the time until 99 % of them, then all, are
     * back in their rooms: resumed, or as a new session of a server that forgot them.
     */
    private int restart(PrintWriter out) throws Exception {
        if (restartCommand == null) {
            spec.commandLine().getErr().println("parley-bench: restart needs --restart COMMAND");
            return 2;
        }
        var timer = Executors.newScheduledThreadPool(2);
        var backAfter = new Histogram(3);
        var resumed = new AtomicLong();
        var fresh = new AtomicLong();
        ReturningUser.Observer observer = new ReturningUser.Observer() {
            @Override
            public void stored(String room, int id) {
            }

            @Override
            public void duplicate() {
            }

            @Override
            public void leaveSeen() {
            }

            @Override
            public void back(long nanos, boolean sameSession) {
                (sameSession ? resumed : fresh).incrementAndGet();
                synchronized (backAfter) {
                    backAfter.recordValue(nanos / 1_000_000);
                }
            }

            @Override
            public void restarted() {
            }
        };
        List<ReturningUser> users = new ArrayList<>();
        var portWatch = new PortWatch(url);
        String run = Long.toString(System.currentTimeMillis() % 100_000, 36);
        for (int i = 0; i < clients; i += concurrency) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(clients, i + concurrency); j++) {
                var user = new ReturningUser(http, url, timer, observer, portWatch, "r" + run + "-" + j, ROOM + (j % rooms));
                users.add(user);
                batch.add(user.inRoom);
                user.connect();
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        out.printf(Locale.ROOT, "restart: %d users in %d rooms; restarting with: %s%n", users.size(), rooms, restartCommand);
        out.flush();
        long start = System.nanoTime();
        Process command = new ProcessBuilder("sh", "-c", restartCommand).inheritIO().start();
        // Watched while the command runs (a drain moves users before the command returns). A user counts as in its
        // room until it notices its connection ended, so "back" is when the count last rose past the mark, and the
        // watch goes on for a moment after the command (users of a killed process notice just after it ends).
        long commandEnded = -1;
        int exit = -1;
        long lastBelowNinetyNine = -1;
        long lastBelowAll = -1;
        long back;
        var timeline = new StringBuilder();
        long nextSecond = 1;
        while (true) {
            back = users.stream().filter(user -> user.inRoomNow).count();
            long now = System.nanoTime();
            if (back * 100 < users.size() * 99L) {
                lastBelowNinetyNine = now;
            }
            if (back < users.size()) {
                lastBelowAll = now;
            }
            while (now - start >= TimeUnit.SECONDS.toNanos(nextSecond)) {
                timeline.append(timeline.isEmpty() ? "" : ", ").append(nextSecond++).append(" s ").append(back);
            }
            if (commandEnded < 0 && !command.isAlive()) {
                commandEnded = now;
                exit = command.exitValue();
            }
            if (commandEnded >= 0 && (back == users.size() && now - commandEnded > TimeUnit.MILLISECONDS.toNanos(500)
                    || now - commandEnded > TimeUnit.SECONDS.toNanos(120))) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        out.printf(Locale.ROOT, "restart command took %.1f s (exit %d); 99%% back in their rooms after %.1f s, %s%n",
                (commandEnded - start) / 1e9, exit, secondsUntilBack(lastBelowNinetyNine, start),
                back == users.size() ? String.format(Locale.ROOT, "all after %.1f s", secondsUntilBack(lastBelowAll, start))
                        : (users.size() - back) + " not back 120 s after the command");
        out.printf(Locale.ROOT, "in their rooms, by seconds since the restart command began: %s%n", timeline);
        users.stream().filter(user -> !user.inRoomNow).limit(5)
                .forEach(user -> out.printf(Locale.ROOT, "  not back: %s, last: %s%n", user.nick, user.lastEvent));
        out.printf(Locale.ROOT, "resumed %d, new sessions %d; each user's time from losing its connection to its room: "
                        + "p50 %.1f s, p99 %.1f s%n", resumed.get(), fresh.get(),
                backAfter.getValueAtPercentile(50) / 1000.0, backAfter.getValueAtPercentile(99) / 1000.0);
        timer.shutdownNow();
        return 0;
    }

    /** Seconds from the start to the poll after the last one that found too few users back (0: never too few). */
    private static double secondsUntilBack(long lastBelow, long start) {
        return lastBelow < 0 ? 0 : (lastBelow - start + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)) / 1e9;
    }

    private List<BenchClient> connect(int count, java.util.function.IntFunction<String> roomOf,
                                      BenchClient.Receiver receiver) throws Exception {
        return connect(count, roomOf, receiver, new Histogram(3));
    }

    /** Opens {@code count} clients with at most {@code concurrency} handshakes in flight. */
    private List<BenchClient> connect(int count, java.util.function.IntFunction<String> roomOf,
                                      BenchClient.Receiver receiver, Histogram timeToJoined) throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 100_000, 36);
        List<BenchClient> opened = new ArrayList<>(count);
        List<CompletableFuture<BenchClient>> inFlight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long begun = System.nanoTime();
            URI target = listenUrl != null && i >= senders ? listenUrl : url;
            inFlight.add(BenchClient.open(http, target, "b" + run + "-" + i, roomOf.apply(i), receiver)
                    .whenComplete((client, failure) -> {
                        synchronized (timeToJoined) {
                            timeToJoined.recordValue((System.nanoTime() - begun) / 1000);
                        }
                    }));
            if (inFlight.size() >= concurrency || i == count - 1) {
                for (CompletableFuture<BenchClient> pending : inFlight) {
                    opened.add(pending.get(30, TimeUnit.SECONDS));
                }
                inFlight.clear();
            }
        }
        return opened;
    }

    /** Sends message number {@code sequence} with the given text. */
    @FunctionalInterface
    private interface Sender {
        void send(int sequence, String text) throws Exception;
    }

    /** Counts deliveries and records their latency from the send time carried in the text. */
    private record Counting(Recorder latency, AtomicLong received) implements BenchClient.Receiver {
        @Override
        public void message(String text, long receivedNanos) {
            record(text, receivedNanos);
        }

        @Override
        public void whisper(String text, long receivedNanos) {
            record(text, receivedNanos);
        }

        private void record(String text, long receivedNanos) {
            long sentNanos = Long.parseLong(text);
            latency.recordValue(Math.max(0, (receivedNanos - sentNanos) / 1000));
            received.incrementAndGet();
        }
    }
}
