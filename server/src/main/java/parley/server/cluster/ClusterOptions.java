package parley.server.cluster;

import io.lettuce.core.RedisURI;

import java.time.Duration;

/**
 * How a node joins a cluster.
 *
 * @param redisUri        the Redis every node of the cluster uses, {@code redis://HOST:PORT}
 * @param lease           how long a node's (and its users') claims last without renewal; renewed every third of it
 * @param timeout         how long a Redis command may take before the node serves its users alone
 * @param maxQueuedEvents cluster events received and not yet handled before further ones are dropped
 */
public record ClusterOptions(String redisUri, Duration lease, Duration timeout, int maxQueuedEvents) {
    public static final int DEFAULT_LEASE_SECONDS = 15;
    public static final int DEFAULT_TIMEOUT_SECONDS = 2;
    public static final int DEFAULT_MAX_QUEUED_EVENTS = 100_000;

    public ClusterOptions {
        if (lease.toMillis() < 1_000 || timeout.isZero() || timeout.isNegative() || maxQueuedEvents < 1) {
            throw new IllegalArgumentException("invalid cluster options");
        }
        try {
            RedisURI.create(redisUri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--redis must be a Redis URI such as redis://localhost:6379", e);
        }
    }

    public static ClusterOptions defaults(String redisUri) {
        return new ClusterOptions(redisUri, Duration.ofSeconds(DEFAULT_LEASE_SECONDS),
                Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), DEFAULT_MAX_QUEUED_EVENTS);
    }
}
