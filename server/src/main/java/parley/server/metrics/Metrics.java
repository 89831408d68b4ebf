package parley.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import parley.protocol.CloseCodes;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What the server counts for its operators, in Prometheus' text format at {@code /metrics} (Micrometer). Labels
 * come from bounded sets only (request types, error reasons, close codes), never from a nickname, room or address.
 * Counting is a striped add on the hot path; everything else (gauges, sums over connections) is computed when
 * scraped. With metrics off ({@link #off}) every meter is a no-op.
 */
public final class Metrics {
    /** Close codes with a label of their own; any other counts as "other". */
    private static final Set<Integer> PROTOCOL_CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1006, 1008, 1009, 1011, 1012,
            CloseCodes.SLOW_CONSUMER, CloseCodes.NO_PONG, CloseCodes.REPLACED, CloseCodes.AUTH_TIMEOUT,
            CloseCodes.TOO_MANY_REFUSED, CloseCodes.WRONG_PASSWORD, CloseCodes.TOO_MANY_FAILED_LOGINS, CloseCodes.REMOVED);

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final Counter deliveries;
    private final Counter roomMessages;
    private final Counter whispers;
    private final Counter resumed;
    private final Counter newSessions;
    private final Timer requestDuration;
    private final ConcurrentMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> disconnects = new ConcurrentHashMap<>();

    private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.deliveries = Counter.builder("parley.deliveries").description("events written to clients").register(registry);
        this.roomMessages = messages("room");
        this.whispers = messages("whisper");
        this.resumed = resumes("resumed");
        this.newSessions = resumes("new");
        this.requestDuration = Timer.builder("parley.request.duration")
                .description("time from reading a request to answering it")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
    }

    /** Metrics kept for {@code /metrics}, with the JVM's and the process's, and the build's version. */
    public static Metrics prometheus(String version) {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new FileDescriptorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        Gauge.builder("parley.build.info", () -> 1).tag("version", version).description("this build").register(prometheus);
        return new Metrics(prometheus, prometheus);
    }

    /** No metrics ({@code --no-metrics}): every count is a no-op and there is nothing to scrape. */
    public static Metrics off() {
        return new Metrics(new CompositeMeterRegistry(), null);
    }

    public boolean isOn() {
        return prometheus != null;
    }

    /** Everything counted so far, in Prometheus' text format. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    private Counter messages(String kind) {
        return Counter.builder("parley.messages").tag("kind", kind).description("messages accepted").register(registry);
    }

    private Counter resumes(String result) {
        return Counter.builder("parley.resumes").tag("result", result)
                .description("connections that came with a resume token, and whether it resumed").register(registry);
    }

    /** A gauge read when scraped; it keeps {@code source} alive. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).strongReference(true).register(registry);
    }

    /** A gauge of one number among the facts {@code /health} shows; NaN while the facts do not have it. */
    public void healthGauge(String name, String description, Supplier<Map<String, Object>> facts, String fact) {
        gauge(name, description, facts, source -> {
            Object value = source.get().get(fact);
            if (value instanceof Boolean flag) {
                return flag ? 1 : 0;
            }
            return value instanceof Number number ? number.doubleValue() : Double.NaN;
        });
    }

    public void delivered() {
        deliveries.increment();
    }

    public void roomMessage() {
        roomMessages.increment();
    }

    public void whisper() {
        whispers.increment();
    }

    public void resume(boolean didResume) {
        (didResume ? resumed : newSessions).increment();
    }

    /** A request of this type was read ("unread" when its frame could not be read). */
    public void request(String type) {
        requests.computeIfAbsent(type, t -> Counter.builder("parley.requests").tag("type", t)
                .description("requests read, by type").register(registry)).increment();
    }

    public void error(String reason) {
        errors.computeIfAbsent(reason, r -> Counter.builder("parley.errors").tag("reason", r)
                .description("refusals, by reason").register(registry)).increment();
    }

    public void disconnect(int closeCode) {
        String code = PROTOCOL_CLOSE_CODES.contains(closeCode) ? Integer.toString(closeCode) : "other";
        disconnects.computeIfAbsent(code, c -> Counter.builder("parley.disconnects").tag("code", c)
                .description("connections closed, by close code").register(registry)).increment();
    }

    public void requestTook(long nanos) {
        requestDuration.record(nanos, TimeUnit.NANOSECONDS);
    }
}
