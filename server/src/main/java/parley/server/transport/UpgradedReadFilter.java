package parley.server.transport;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;
import org.glassfish.tyrus.spi.ReadHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Hands a WebSocket's frames straight to Tyrus once its handshake is done. Without it, every read of an upgraded
 * connection passes through Grizzly's HTTP filter as "content" of the upgrade request, which that filter keeps
 * for the connection's whole life: over 11 KiB of heap per idle client (the parsed request and the buffers it
 * points into; measured 17.7 against 6.4 KiB per connection), and a detour for every frame.
 * Here the frames go to the same Tyrus read handler and task processor Tyrus's own filter would use, and the
 * request is let go. Sits right after {@link FrameLimitFilter}, so the size limit still sees every byte first.
 * If Tyrus's internals cannot be reached, it steps aside and the usual path serves.
 */
final class UpgradedReadFilter extends BaseFilter {
    private static final Logger log = LoggerFactory.getLogger(UpgradedReadFilter.class);
    /** Where Tyrus's filter keeps a connection's WebSocket and its task processor; null when not reachable. */
    private static final Attribute<org.glassfish.tyrus.spi.Connection> WEBSOCKET = tyrusAttribute("TYRUS_CONNECTION");
    private static final Attribute<TaskProcessor> TASKS = tyrusAttribute("TASK_PROCESSOR");
    /** Grizzly's own attribute for the request in progress (attributes are one per name: this finds it). */
    static final Attribute<Object> UPGRADE_REQUEST =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);

    /** Installs the filter right after the frame limit. */
    static AddOn addOn() {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder builder) {
                builder.add(builder.indexOfType(FrameLimitFilter.class) + 1, new UpgradedReadFilter());
            }
        };
    }

    /** Reads that took the shortcut, for the test that it is taken. A striped add per read, not per frame sent. */
    static final java.util.concurrent.atomic.LongAdder SHORTCUT_READS = new java.util.concurrent.atomic.LongAdder();

    /** Whether frames take the shortcut; false when Tyrus's internals could not be reached. */
    static boolean isActive() {
        return WEBSOCKET != null && TASKS != null;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (!isActive()) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        org.glassfish.tyrus.spi.Connection websocket = WEBSOCKET.get(connection);
        TaskProcessor tasks = TASKS.get(connection);
        if (websocket == null || tasks == null) {
            // Still the HTTP upgrade request (a read that ends it may carry the first frames too: Grizzly's
            // HTTP filter passes those on to Tyrus itself).
            return ctx.getInvokeAction();
        }
        UPGRADE_REQUEST.remove(connection);
        SHORTCUT_READS.increment();
        Buffer buffer = ctx.getMessage();
        ReadHandler reader = websocket.getReadHandler();
        if (buffer.isComposite()) {
            var parts = buffer.toByteBufferArray();
            ByteBuffer[] array = parts.getArray();
            for (int i = 0; i < parts.size(); i++) {
                tasks.processTask(new ReadTask(array[i], reader));
            }
            parts.recycle();
        } else {
            tasks.processTask(new ReadTask(buffer.toByteBuffer(), reader));
        }
        return ctx.getStopAction();
    }

    /** One read's bytes for Tyrus's frame parser, in the order the connection's task processor keeps. */
    private static final class ReadTask extends TaskProcessor.Task {
        private final ByteBuffer bytes;
        private final ReadHandler reader;

        ReadTask(ByteBuffer bytes, ReadHandler reader) {
            this.bytes = bytes;
            this.reader = reader;
        }

        @Override
        public void execute() {
            reader.handle(bytes);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Attribute<T> tyrusAttribute(String name) {
        try {
            Field field = GrizzlyServerFilter.class.getDeclaredField(name);
            field.setAccessible(true);
            return (Attribute<T>) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Frames take Grizzly's HTTP path: {}", e.toString());
            return null;
        }
    }
}
