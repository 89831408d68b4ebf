package parley.server.access;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Wrong passwords per address: an address that sent {@code maxFailures} wrong passwords within the window may
 * not try again until the oldest of them is a window old. Thread-safe; addresses with nothing to remember are
 * forgotten, and at most {@code maxAddresses} are tracked (the table is cleared of expired ones when full).
 */
public final class LoginThrottle {
    private final int maxFailures;
    private final long windowNanos;
    private final int maxAddresses;
    private final LongSupplier nanoTime;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, Duration window, int maxAddresses, LongSupplier nanoTime) {
        if (maxFailures < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("failed logins: at least 1 within a window longer than 0");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.maxAddresses = maxAddresses;
        this.nanoTime = nanoTime;
    }

    /** Milliseconds until this address may try a password again; 0 when it may now. */
    public long retryAfterMillis(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = nanoTime.getAsLong();
            prune(times, now);
            if (times.size() < maxFailures) {
                return 0;
            }
            return Math.max(1, Duration.ofNanos(times.peekFirst() + windowNanos - now).toMillis());
        }
    }

    public void failed(String address) {
        if (failures.size() >= maxAddresses) {
            long now = nanoTime.getAsLong();
            failures.values().removeIf(times -> {
                synchronized (times) {
                    prune(times, now);
                    return times.isEmpty();
                }
            });
        }
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(nanoTime.getAsLong());
            while (times.size() > maxFailures) {
                times.removeFirst();
            }
        }
    }

    public void succeeded(String address) {
        failures.remove(address);
    }

    private void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
            times.removeFirst();
        }
    }
}
