package parley.server.transport;

import org.glassfish.grizzly.nio.DefaultSelectorHandler;
import org.glassfish.grizzly.nio.SelectorRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.Set;

/**
 * Flush consolidation. While a selector thread works through one batch of ready connections (everything one
 * {@code epoll_wait} returned), the frames it produces for a client are held, and each client's frames go out in
 * one write when the batch ends. A busy room then costs one system call per member per batch instead of one per
 * message: under load, when a batch holds several messages, that is most of the server's time saved. No frame
 * waits for a later event: the batch ends as soon as its last connection was handled, before the thread
 * selects again. Sends from any other thread (timers, the cluster's Redis client, the admin API) are not held.
 */
final class OutboundBatch {
    private static final Logger log = LoggerFactory.getLogger(OutboundBatch.class);
    private static final ThreadLocal<OutboundBatch> OF_THREAD = new ThreadLocal<>();

    /** The peers holding frames for this batch, each once. */
    private final ArrayList<WebSocketPeer> holding = new ArrayList<>();
    private boolean open;

    private OutboundBatch() {
    }

    /** The batch this thread is working through, or null when its frames should go out at once. */
    static OutboundBatch ofThisThread() {
        OutboundBatch batch = OF_THREAD.get();
        return batch != null && batch.open ? batch : null;
    }

    /** Notes that a peer holds frames until the batch ends. */
    void holds(WebSocketPeer peer) {
        holding.add(peer);
    }

    private static void begin() {
        OutboundBatch batch = OF_THREAD.get();
        if (batch == null) {
            batch = new OutboundBatch();
            OF_THREAD.set(batch);
        }
        batch.open = true;
    }

    /** Ends this thread's batch, if one is open: every held frame goes out. */
    private static void end() {
        OutboundBatch batch = OF_THREAD.get();
        if (batch == null || !batch.open) {
            return;
        }
        batch.open = false;
        ArrayList<WebSocketPeer> peers = batch.holding;
        for (int i = 0; i < peers.size(); i++) {
            try {
                peers.get(i).flushHeld();
            } catch (RuntimeException e) {
                log.warn("Writing to {} failed", peers.get(i), e);
            }
        }
        peers.clear();
    }

    /**
     * Marks where a batch starts (the selector returned its ready keys) and ends (they were all handled). The end
     * is also marked before the next select, so that a batch cut short by a failure still goes out then.
     */
    static final class SelectorHook extends DefaultSelectorHandler {
        @Override
        public Set<SelectionKey> select(SelectorRunner selectorRunner) throws IOException {
            Set<SelectionKey> ready = super.select(selectorRunner);
            begin();
            return ready;
        }

        @Override
        public void postSelect(SelectorRunner selectorRunner) throws IOException {
            end();
            super.postSelect(selectorRunner);
        }

        @Override
        public boolean preSelect(SelectorRunner selectorRunner) throws IOException {
            end();
            return super.preSelect(selectorRunner);
        }
    }
}
