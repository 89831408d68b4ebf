package parley.server.routing;

/**
 * One connection's request budget: a token bucket (rate per second, burst) and the count of refused requests
 * in a row. Frames are counted as they arrive and answers as they go out, possibly on other threads.
 */
public final class RequestGuard {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private final double burst;
    private final int maxRefusedInARow;
    private double tokens;
    private long lastRefillNanos;
    private int refusedInARow;

    /**
     * @param ratePerSecond    sustained requests per second; 0 = no rate limit
     * @param burst            requests allowed at once after a quiet spell
     * @param maxRefusedInARow refused requests in a row that end the connection; 0 = never
     */
    public RequestGuard(double ratePerSecond, int burst, int maxRefusedInARow, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.burst = Math.max(1, burst);
        this.maxRefusedInARow = maxRefusedInARow;
        this.tokens = this.burst;
        this.lastRefillNanos = nowNanos;
    }

    public static RequestGuard unlimited() {
        return new RequestGuard(0, 1, 0, 0);
    }

    /** Takes one token; returns 0 when the request may go ahead, else the milliseconds until a token is free. */
    synchronized long acquire(long nowNanos) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        double elapsedSeconds = (nowNanos - lastRefillNanos) / (double) NANOS_PER_SECOND;
        tokens = Math.min(burst, tokens + elapsedSeconds * ratePerSecond);
        lastRefillNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerSecond * 1000));
    }

    /** Records a refusal; true when the connection has now been refused too often in a row. */
    public synchronized boolean refused() {
        refusedInARow++;
        return maxRefusedInARow > 0 && refusedInARow >= maxRefusedInARow;
    }

    synchronized void accepted() {
        refusedInARow = 0;
    }
}
