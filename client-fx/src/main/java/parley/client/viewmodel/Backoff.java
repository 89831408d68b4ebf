package parley.client.viewmodel;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential from 0.5 s, doubling per attempt up to 30 s, each drawn at random from the
 * upper half of its step so that many clients cut off together do not come back together.
 */
public final class Backoff {
    static final long FIRST_MILLIS = 500;
    static final long MAX_MILLIS = 30_000;

    private final DoubleSupplier random;

    public Backoff(DoubleSupplier random) {
        this.random = random;
    }

    /**
     * The delay before coming back to a server that restarts (close 1012): 0–2 s at random, so that its clients,
     * closed together, spread over the other servers without waiting for a backoff.
     */
    public Duration afterRestart() {
        return Duration.ofMillis(Math.round(random.getAsDouble() * RESTART_SPREAD_MILLIS));
    }

    static final long RESTART_SPREAD_MILLIS = 2_000;

    /**
     * The delay before trying again while a server that said it restarts is not back yet: 0.5–1 s at random. A
     * restart takes seconds, and a client in a backoff of 8 s or more would come back long after the server.
     */
    public Duration whileRestarting() {
        return Duration.ofMillis(RESTART_RETRY_MILLIS / 2 + Math.round(random.getAsDouble() * (RESTART_RETRY_MILLIS / 2.0)));
    }

    static final long RESTART_RETRY_MILLIS = 1_000;

    /** How many tries {@link #whileRestarting} paces (about half a minute) before the usual backoff. */
    public static final int RESTART_TRIES = 40;

    /** The delay before attempt number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        long step = Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(attempt - 1, 16));
        return Duration.ofMillis(step / 2 + Math.round(random.getAsDouble() * (step / 2.0)));
    }
}
