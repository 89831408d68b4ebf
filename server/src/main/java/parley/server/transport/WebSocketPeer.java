package parley.server.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.asyncqueue.AsyncWriteQueueRecord;
import org.glassfish.grizzly.asyncqueue.TaskQueue;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.nio.NIOTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.metrics.Metrics;
import parley.protocol.CloseCodes;
import parley.server.chat.EncodedEvent;
import parley.server.chat.Peer;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Peer} backed by a WebSocket session. Events go out as text frames built once per event and written
 * straight to the connection's asynchronous write queue (Tyrus would encode and frame them again for every
 * recipient); control frames (ping, close) go through Tyrus. Frames sent while a selector thread works through
 * a batch of reads are held and written together when the batch ends ({@link OutboundBatch}). Sends never wait
 * for the client; the bytes not yet written (held ones included) are counted, and a client whose backlog passes
 * the limit is closed as a slow consumer.
 */
final class WebSocketPeer implements Peer {
    private static final Logger log = LoggerFactory.getLogger(WebSocketPeer.class);
    private static final ByteBuffer PING = ByteBuffer.wrap("parley".getBytes(StandardCharsets.US_ASCII));
    /** Time a closed client has to read its close frame before the connection is cut. */
    private static final long CLOSE_GRACE_MILLIS = 500;
    /** At most this much of a read batch's frames is held for one client before it is written. */
    private static final int MAX_HELD_BYTES = 16 * 1024;
    /**
     * True while this thread is handing a frame to the network. A write that fails there closes its connection
     * on the spot, and Tyrus then reports the close on this same thread, in the middle of the chat's delivery
     * loop: {@link ChatEndpoint#onClose} asks, and leaves the chat later instead of changing a room that is
     * being iterated.
     */
    private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> false);

    /** The peer of a Grizzly connection, for the filters that see its bytes. */
    private static final Attribute<WebSocketPeer> OF_CONNECTION =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(WebSocketPeer.class.getName());

    private final Session session;
    private final Connection<SocketAddress> connection;
    private final AsyncQueueWriter<SocketAddress> writer;
    private final String id;
    private final long maxOutboundBytes;
    private final ScheduledExecutorService timers;
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Guards {@link #held} and orders this client's writes. */
    private final ReentrantLock outbound = new ReentrantLock();
    /** Frames sent during a read batch, written together when it ends. */
    private final ArrayList<ByteBuffer> held = new ArrayList<>(0);
    private int heldBytes;
    /**
     * Held frames go out as soon as they reach this many bytes: a larger write saves no more system calls worth
     * having, and what is held counts towards the outbound limit, which a burst must not cross for a client that
     * reads as fast as it can.
     */
    private final int holdLimit;
    private long writes;
    private final Metrics metrics;
    /** What the connection's owner does when the server closes it for good ahead of the socket's end. */
    private volatile Runnable whenCutOff = () -> { };
    /** How long a slow consumer's close frame may take to go out before the socket is cut (the ping timeout). */
    private final long closeTimeoutMillis;
    /** The client's address (behind a trusted proxy, the one it forwarded). */
    private final String address;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean slowConsumer = new AtomicBoolean();
    private volatile int serverCloseCode;
    private volatile long pingSentAt = -1;
    private volatile long lastPingAt;

    @SuppressWarnings("unchecked")
    WebSocketPeer(Session session, String remoteAddress, long maxOutboundBytes, long closeTimeoutMillis,
                  ScheduledExecutorService timers, Metrics metrics) {
        this.metrics = metrics;
        this.closeTimeoutMillis = closeTimeoutMillis;
        this.session = session;
        this.connection = (Connection<SocketAddress>) GrizzlyConnections.of(session);
        // Ready-made frames go straight to the socket, which is only right without TLS: encrypted connections
        // send through Tyrus and the filter chain.
        this.writer = connection != null && !isEncrypted(connection) && connection.getTransport() instanceof NIOTransport transport
                ? (AsyncQueueWriter<SocketAddress>) transport.getAsyncQueueIO().getWriter() : null;
        this.id = "conn-" + session.getId().substring(0, 8) + "@" + remoteAddress;
        this.address = remoteAddress;
        this.maxOutboundBytes = maxOutboundBytes;
        this.holdLimit = (int) Math.min(MAX_HELD_BYTES, maxOutboundBytes / 4);
        this.timers = timers;
        if (connection != null) {
            OF_CONNECTION.set(connection, this);
        }
    }

    /** The peer on this connection, or null before the WebSocket opened (or when it cannot be told). */
    static WebSocketPeer of(Connection<?> connection) {
        return OF_CONNECTION.get(connection);
    }

    private static boolean isEncrypted(Connection<?> connection) {
        return connection.getProcessor() instanceof FilterChain chain && chain.indexOfType(SSLBaseFilter.class) >= 0;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public boolean secure() {
        return session.isSecure();
    }

    @Override
    public void send(EncodedEvent event) {
        if (closing.get() || slowConsumer.get() || !session.isOpen()) {
            return;
        }
        if (writer == null) {
            sendThroughTyrus(event.json());
            return;
        }
        ByteBuffer frame = event.wireForm(TextFrames::of);
        if (!reserve(frame.remaining())) {
            return;
        }
        metrics.delivered();
        OutboundBatch batch = OutboundBatch.ofThisThread();
        outbound.lock();
        try {
            if (held.isEmpty() && batch != null) {
                batch.holds(this);
            }
            held.add(frame);
            heldBytes += frame.remaining();
            if (batch == null || heldBytes >= holdLimit) {
                writeHeld();
            }
        } finally {
            outbound.unlock();
        }
    }

    /** Writes the frames held for the end of a read batch ({@link OutboundBatch}), in one write. */
    void flushHeld() {
        outbound.lock();
        try {
            writeHeld();
        } finally {
            outbound.unlock();
        }
    }

    /**
     * Writes what is held, under the outbound lock, which keeps this client's frames in the order they were sent
     * whichever thread writes them.
     */
    private void writeHeld() {
        int count = held.size();
        if (count == 0) {
            return;
        }
        ByteBuffer out;
        if (count == 1) {
            out = held.get(0).duplicate();
        } else {
            int bytes = 0;
            for (int i = 0; i < count; i++) {
                bytes += held.get(i).remaining();
            }
            out = ByteBuffer.allocate(bytes);
            for (int i = 0; i < count; i++) {
                out.put(held.get(i).duplicate());
            }
            out.flip();
        }
        held.clear();
        heldBytes = 0;
        writes++;
        long bytes = out.remaining();
        WRITING.set(true);
        try {
            writer.write(connection, null, Buffers.wrap(connection.getMemoryManager(), out), countDownWhenDone(bytes),
                    null, null);
        } finally {
            WRITING.set(false);
        }
    }

    /**
     * Before anything else is written to the connection (a close, a ping, Tyrus's own frames), the held frames
     * go first. A thread already writing this client's frames is not waited for: they go out right after.
     */
    void flushHeldBeforeOtherWrites() {
        if (writer != null && outbound.tryLock()) {
            try {
                writeHeld();
            } finally {
                outbound.unlock();
            }
        }
    }

    /** How many writes this client's frames took (fewer than frames when batches hold several). */
    long writes() {
        outbound.lock();
        try {
            return writes;
        } finally {
            outbound.unlock();
        }
    }

    /** Whether ready-made frames go straight to the socket (the fast path), not through Tyrus. */
    boolean writesDirectly() {
        return writer != null;
    }

    /** The Grizzly connection under this peer, or null when it could not be reached. */
    Connection<SocketAddress> connection() {
        return connection;
    }

    /** Bytes queued for this client and not yet written. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** Whether this thread is inside a write of some peer's frame (see {@link #WRITING}). */
    static boolean isWriting() {
        return WRITING.get();
    }

    private EmptyCompletionHandler<WriteResult<WritableMessage, SocketAddress>> countDownWhenDone(long bytes) {
        return new EmptyCompletionHandler<>() {
            @Override
            public void completed(WriteResult<WritableMessage, SocketAddress> result) {
                pendingBytes.addAndGet(-bytes);
            }

            @Override
            public void failed(Throwable failure) {
                pendingBytes.addAndGet(-bytes);
            }

            @Override
            public void cancelled() {
                pendingBytes.addAndGet(-bytes);
            }
        };
    }

    /** Counts bytes about to be queued; false (and the client closed as a slow consumer) when over the limit. */
    private boolean reserve(long bytes) {
        if (pendingBytes.addAndGet(bytes) > maxOutboundBytes) {
            pendingBytes.addAndGet(-bytes);
            if (!slowConsumer.getAndSet(true)) {
                log.info("Closing {}: slow consumer, more than {} bytes waiting", id, maxOutboundBytes);
                // Not here: this send may run inside a room's fan-out, and closing changes the room.
                timers.execute(this::closeSlowConsumer);
            }
            return false;
        }
        return true;
    }

    /** The slower path, for when the connection under the session cannot be reached. */
    private void sendThroughTyrus(String encodedEvent) {
        long bytes = Utf8.length(encodedEvent);
        if (!reserve(bytes)) {
            return;
        }
        metrics.delivered();
        WRITING.set(true);
        try {
            // getBasicRemote() would block until written; getAsyncRemote() queues and returns.
            session.getAsyncRemote().sendText(encodedEvent, result -> pendingBytes.addAndGet(-bytes));
        } catch (IllegalStateException e) {
            pendingBytes.addAndGet(-bytes);
            log.debug("Send to {} after it closed", id);
        } finally {
            WRITING.set(false);
        }
    }

    @Override
    public void close(int closeCode, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        serverCloseCode = closeCode;
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(closeCode), reason));
        } catch (IOException | IllegalStateException e) {
            log.debug("Closing {} failed: {}", id, e.toString());
        }
    }

    /** Notes that the transport closed the connection with this code: nothing more is sent. */
    void closedByTransport(int closeCode) {
        if (closing.compareAndSet(false, true)) {
            serverCloseCode = closeCode;
        }
    }

    /**
     * The client stopped reading and its queue overflowed. It is told why whenever it can still hear it: the
     * frames that have not started to go out are dropped, the 4000 close goes right behind the frame in flight, and
     * the socket is kept until that close is written or the close timeout has passed; only then is it cut. Memory
     * stays bounded meanwhile: nothing more is queued for it. Over TLS, where frames cannot be dropped from under
     * the encryption, the close goes through Tyrus and the socket is cut soon after.
     */
    void closeSlowConsumer() {
        if (writer == null || !(connection instanceof NIOConnection nio)) {
            closeAndCut(CloseCodes.SLOW_CONSUMER, SLOW_CONSUMER_REASON);
            return;
        }
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        serverCloseCode = CloseCodes.SLOW_CONSUMER;
        // The user is out of the chat now (dropped, may resume), not when the socket ends, up to a timeout later.
        whenCutOff.run();
        dropHeld();
        TaskQueue<AsyncWriteQueueRecord> queue = nio.getAsyncWriteQueue();
        var dropped = new IOException("dropped: the client stopped reading");
        for (AsyncWriteQueueRecord record : List.copyOf(queue.getQueue())) {
            if (queue.remove(record)) {
                queue.releaseSpace((int) record.getBytesToReserve());
                record.notifyFailure(dropped);
            }
        }
        LingeringClose.writeThenClose(connection, Buffers.wrap(connection.getMemoryManager(),
                closeFrame(CloseCodes.SLOW_CONSUMER, SLOW_CONSUMER_REASON)), timers);
        timers.schedule(connection::terminateSilently, Math.max(LingeringClose.LINGER_MILLIS, closeTimeoutMillis),
                TimeUnit.MILLISECONDS);
    }

    private void dropHeld() {
        outbound.lock();
        try {
            pendingBytes.addAndGet(-heldBytes);
            held.clear();
            heldBytes = 0;
        } finally {
            outbound.unlock();
        }
    }

    private static final String SLOW_CONSUMER_REASON = "slow consumer: stopped reading";

    /** Runs when the server closes the connection ahead of the socket's end (a slow consumer). */
    void whenCutOff(Runnable action) {
        whenCutOff = action;
    }

    /** An unmasked close frame, as a server sends it. */
    static byte[] closeFrame(int closeCode, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[4 + text.length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (2 + text.length);
        frame[2] = (byte) (closeCode >> 8);
        frame[3] = (byte) closeCode;
        System.arraycopy(text, 0, frame, 4, text.length);
        return frame;
    }

    /** Closes with a code, then cuts the connection shortly after whether or not the client read it. */
    void closeAndCut(int closeCode, String reason) {
        close(closeCode, reason);
        if (connection != null) {
            timers.schedule(connection::terminateSilently, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The close code this server closed the connection with, or 0 when the client or network ended it. */
    int serverCloseCode() {
        return serverCloseCode;
    }

    /**
     * One heartbeat step: drops a client that has not answered the last ping within the timeout, else pings it
     * when the interval has passed.
     */
    void heartbeat(long nowMillis, long intervalMillis, long timeoutMillis) {
        if (closing.get()) {
            return;
        }
        long sentAt = pingSentAt;
        if (sentAt >= 0) {
            if (nowMillis - sentAt >= timeoutMillis) {
                log.info("Closing {}: no answer to a ping for {} ms", id, nowMillis - sentAt);
                closeAndCut(CloseCodes.NO_PONG, "no answer to ping");
            }
            return;
        }
        if (nowMillis - lastPingAt >= intervalMillis) {
            lastPingAt = nowMillis;
            pingSentAt = nowMillis;
            try {
                session.getAsyncRemote().sendPing(PING.duplicate());
            } catch (IOException | IllegalStateException e) {
                log.debug("Ping to {} failed: {}", id, e.toString());
            }
        }
    }

    void ponged() {
        pingSentAt = -1;
    }

    @Override
    public String toString() {
        return id;
    }
}
