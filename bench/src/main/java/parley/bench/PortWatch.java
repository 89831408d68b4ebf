package parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Whether the server's port takes connections, for users who found it closed. A refused WebSocket connect costs
 * the JDK client about 0.5 ms of the generator's CPU: with 10,000 users trying again every 0.5–1 s while a server
 * restarts, the generator's one core would spend the restart on refusals and fall behind its users. Once a
 * connect was refused, this checks the port every 50 ms with a plain TCP connect, and while it stays closed, a
 * user's try counts as refused without building a WebSocket. The users keep their timing: a try made while the
 * port is closed fails, as it would have; the first after it opens goes through.
 */
final class PortWatch {
    private static final long CHECK_MILLIS = 50;
    private static final int CONNECT_TIMEOUT_MILLIS = 200;

    private final InetSocketAddress address;
    private volatile boolean closed;
    private Thread checker;

    PortWatch(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : "wss".equals(uri.getScheme()) ? 443 : 80;
        this.address = new InetSocketAddress(uri.getHost(), port);
    }

    /** Whether the port was closed at the last check, at most 50 ms ago. */
    boolean isClosed() {
        return closed;
    }

    /** A user's connect failed: the port is watched until it takes connections again. */
    synchronized void refused() {
        if (closed) {
            return;
        }
        closed = true;
        checker = new Thread(this::checkUntilOpen, "port-watch");
        checker.setDaemon(true);
        checker.start();
    }

    private void checkUntilOpen() {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, CONNECT_TIMEOUT_MILLIS);
                synchronized (this) {
                    closed = false;
                }
                return;
            } catch (IOException stillClosed) {
                try {
                    Thread.sleep(CHECK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
