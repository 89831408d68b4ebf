package parley.server.transport;

import java.time.Duration;

/**
 * Limits the WebSocket layer enforces per connection and per server. Zero turns a rate or count limit off.
 *
 * @param maxFrameBytes            largest message a client may send, checked on the frame header before buffering
 * @param maxOutboundBytes         bytes queued for one client before it counts as a slow consumer
 * @param ratePerSecond            sustained requests per second per connection; 0 = off
 * @param burst                    requests allowed at once per connection
 * @param maxRefusedInARow         refused requests in a row before the connection is closed; 0 = never
 * @param maxConnections           open connections on the server; 0 = no limit
 * @param maxConnectionsPerAddress open connections from one remote address; 0 = no limit
 * @param pingInterval             how often the server pings each client; zero = never
 * @param pongTimeout              how long a client has to answer a ping before it is dropped
 * @param handshakeTimeout         how long an accepted socket has to finish its WebSocket handshake
 * @param controlFramesPerSecond   pings and pongs a client may send per second (bursts of twice that); 0 = off
 * @param maxWaitingRequests       requests of one connection read while an earlier one is still being answered
 *                                 (it waits for another server); more closes the connection with 1008
 */
public record TransportLimits(int maxFrameBytes, int maxOutboundBytes, double ratePerSecond, int burst,
                              int maxRefusedInARow, int maxConnections, int maxConnectionsPerAddress,
                              Duration pingInterval, Duration pongTimeout, Duration handshakeTimeout,
                              int controlFramesPerSecond, int maxWaitingRequests) {
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_OUTBOUND_BYTES = 256 * 1024;
    public static final int DEFAULT_RATE = 20;
    public static final int DEFAULT_BURST = 40;
    public static final int DEFAULT_MAX_REFUSED_IN_A_ROW = 100;
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
    public static final int DEFAULT_PING_INTERVAL_SECONDS = 15;
    public static final int DEFAULT_PONG_TIMEOUT_SECONDS = 15;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(DEFAULT_PING_INTERVAL_SECONDS);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(DEFAULT_PONG_TIMEOUT_SECONDS);
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    public static final int DEFAULT_CONTROL_FRAMES_PER_SECOND = 5;
    public static final int DEFAULT_MAX_WAITING_REQUESTS = 256;

    public TransportLimits {
        if (maxFrameBytes < 256 || maxOutboundBytes < 1024 || ratePerSecond < 0 || burst < 1 || maxRefusedInARow < 0
                || maxConnections < 0 || maxConnectionsPerAddress < 0 || pingInterval.isNegative()
                || pongTimeout.isNegative() || (!pingInterval.isZero() && pongTimeout.isZero())
                || handshakeTimeout.toMillis() < 100 || controlFramesPerSecond < 0
                || maxWaitingRequests < 1) {
            throw new IllegalArgumentException("invalid transport limits");
        }
    }

    public static TransportLimits defaults() {
        return new TransportLimits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_OUTBOUND_BYTES, DEFAULT_RATE, DEFAULT_BURST,
                DEFAULT_MAX_REFUSED_IN_A_ROW, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_CONTROL_FRAMES_PER_SECOND, DEFAULT_MAX_WAITING_REQUESTS);
    }

    public TransportLimits withRate(double perSecond, int burstSize, int refusedInARow) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, perSecond, burstSize, refusedInARow,
                maxConnections, maxConnectionsPerAddress, pingInterval, pongTimeout, handshakeTimeout,
                controlFramesPerSecond, maxWaitingRequests);
    }

    public TransportLimits withConnections(int total, int perAddress) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, ratePerSecond, burst, maxRefusedInARow,
                total, perAddress, pingInterval, pongTimeout, handshakeTimeout,
                controlFramesPerSecond, maxWaitingRequests);
    }

    public TransportLimits withHeartbeat(Duration interval, Duration timeout) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, ratePerSecond, burst, maxRefusedInARow,
                maxConnections, maxConnectionsPerAddress, interval, timeout, handshakeTimeout,
                controlFramesPerSecond, maxWaitingRequests);
    }

    public TransportLimits withOutboundBytes(int bytes) {
        return new TransportLimits(maxFrameBytes, bytes, ratePerSecond, burst, maxRefusedInARow,
                maxConnections, maxConnectionsPerAddress, pingInterval, pongTimeout, handshakeTimeout,
                controlFramesPerSecond, maxWaitingRequests);
    }

    public TransportLimits withHandshakeTimeout(Duration timeout) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, ratePerSecond, burst, maxRefusedInARow,
                maxConnections, maxConnectionsPerAddress, pingInterval, pongTimeout, timeout, controlFramesPerSecond,
                maxWaitingRequests);
    }

    public TransportLimits withControlFrames(int perSecond) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, ratePerSecond, burst, maxRefusedInARow,
                maxConnections, maxConnectionsPerAddress, pingInterval, pongTimeout, handshakeTimeout, perSecond,
                maxWaitingRequests);
    }

    public TransportLimits withWaitingRequests(int waiting) {
        return new TransportLimits(maxFrameBytes, maxOutboundBytes, ratePerSecond, burst, maxRefusedInARow,
                maxConnections, maxConnectionsPerAddress, pingInterval, pongTimeout, handshakeTimeout,
                controlFramesPerSecond, waiting);
    }
}
