package parley.server.transport;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.nio.NIOConnection;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection so that its last words arrive: the answer (an HTTP status or a WebSocket close frame) is
 * written, the sending side is shut (the client reads an orderly end), and the socket is cut a moment later.
 * Closing at once while the client is still writing would reset the connection, and a reset makes the client's
 * system throw away what it had received but not yet read: the very answer that says why. The caller keeps
 * dropping what the client still sends until the cut.
 */
final class LingeringClose {
    /** How long a client has to read the answer before the socket is cut. */
    static final long LINGER_MILLIS = 1_000;

    private LingeringClose() {
    }

    /** Writes the bytes through the rest of the filter chain (encrypted on a TLS port), then closes. */
    static void writeThenClose(FilterChainContext ctx, Buffer lastWords, ScheduledExecutorService timers) {
        ctx.write(lastWords, closeWhenWritten(ctx.getConnection(), timers));
    }

    /** Writes the bytes straight to the socket (no filter sees them), then closes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void writeThenClose(Connection connection, Buffer lastWords, ScheduledExecutorService timers) {
        connection.write(lastWords, closeWhenWritten(connection, timers));
    }

    @SuppressWarnings("rawtypes")
    private static EmptyCompletionHandler<WriteResult> closeWhenWritten(Connection<?> connection,
                                                                        ScheduledExecutorService timers) {
        return new EmptyCompletionHandler<>() {
            @Override
            public void completed(WriteResult result) {
                shutOutput(connection);
                timers.schedule(connection::terminateSilently, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            }

            @Override
            public void failed(Throwable failure) {
                connection.terminateSilently();
            }
        };
    }

    private static void shutOutput(Connection<?> connection) {
        try {
            if (connection instanceof NIOConnection nio && nio.getChannel() instanceof SocketChannel channel) {
                channel.shutdownOutput();
            }
        } catch (IOException e) {
            connection.terminateSilently();
        }
    }
}
