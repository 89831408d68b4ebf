package parley.server.transport;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Context;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.IOEventLifeCycleListener;
import org.glassfish.grizzly.IOStrategy;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the server alive when it runs out of file descriptors. Grizzly retries a failed accept at once, and the
 * pending connection makes the listening socket ready again at once: a busy loop that fails thousands of times a
 * second. Here a failed accept stops accepting for a short pause (50 ms, doubling up to 1 s while it keeps
 * failing), as Netty and Jetty do on {@code EMFILE}; the connections already open go on being served, and
 * accepting resumes by itself once descriptors are free. The failure is logged once every few seconds, with a
 * count, instead of a stack trace per attempt. Every other event goes to the wrapped strategy unchanged.
 */
final class AcceptBackoff implements IOStrategy {
    private static final Logger log = LoggerFactory.getLogger(AcceptBackoff.class);
    static final long FIRST_PAUSE_MILLIS = 50;
    static final long LONGEST_PAUSE_MILLIS = 1_000;
    private static final long WARNING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final IOStrategy strategy;
    private final ScheduledExecutorService timers;
    private final AtomicLong failedAccepts = new AtomicLong();
    private final AtomicLong lastWarningNanos = new AtomicLong(System.nanoTime() - WARNING_EVERY_NANOS);
    private volatile long pauseMillis = FIRST_PAUSE_MILLIS;
    private final IOEventLifeCycleListener onFailure = new IOEventLifeCycleListener.Adapter() {
        @Override
        public void onError(Context context, Object failure) {
            acceptFailed(context.getConnection(), failure);
        }
    };

    AcceptBackoff(IOStrategy strategy, ScheduledExecutorService timers) {
        this.strategy = strategy;
        this.timers = timers;
    }

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent ioEvent) throws IOException {
        return executeIoEvent(connection, ioEvent, true);
    }

    @Override
    public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled) throws IOException {
        if (ioEvent != IOEvent.SERVER_ACCEPT) {
            return strategy.executeIoEvent(connection, ioEvent, isIoEventEnabled);
        }
        long failedBefore = failedAccepts.get();
        try {
            connection.getTransport().fireIOEvent(ioEvent, connection, onFailure);
        } catch (LinkageError e) {
            // Loading a class needs a descriptor too; it is retried after the pause like any other failure.
            acceptFailed(connection, e);
        }
        if (failedAccepts.get() == failedBefore) {
            pauseMillis = FIRST_PAUSE_MILLIS;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void acceptFailed(Connection<?> server, Object failure) {
        long failures = failedAccepts.incrementAndGet();
        long pause = pauseMillis;
        pauseMillis = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
        long now = System.nanoTime();
        long last = lastWarningNanos.get();
        if (now - last >= WARNING_EVERY_NANOS && lastWarningNanos.compareAndSet(last, now)) {
            log.warn("Cannot accept connections ({}): pausing accepts, open connections are still served; {} failed "
                    + "accepts so far. Raise the open-file limit (ulimit -n, LimitNOFILE) above --max-connections.",
                    describe(failure), failures);
        }
        try {
            server.disableIOEvent(IOEvent.SERVER_ACCEPT);
        } catch (IOException e) {
            log.debug("Could not pause accepting: {}", e.toString());
            return;
        }
        timers.schedule(() -> {
            try {
                if (server.isOpen()) {
                    server.enableIOEvent(IOEvent.SERVER_ACCEPT);
                }
            } catch (IOException e) {
                log.warn("Could not resume accepting connections: {}", e.toString());
            }
        }, pause, TimeUnit.MILLISECONDS);
    }

    private static String describe(Object failure) {
        if (failure instanceof Throwable throwable) {
            Throwable root = throwable;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getMessage() != null ? root.getMessage() : root.toString();
        }
        return String.valueOf(failure);
    }

    @Override
    public Executor getThreadPoolFor(Connection connection, IOEvent ioEvent) {
        return strategy.getThreadPoolFor(connection, ioEvent);
    }

    @Override
    public ThreadPoolConfig createDefaultWorkerPoolConfig(Transport transport) {
        return strategy.createDefaultWorkerPoolConfig(transport);
    }
}
