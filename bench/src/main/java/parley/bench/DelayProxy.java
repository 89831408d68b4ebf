package parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy that holds every chunk going to the target for a fixed delay, in order: a slower Redis for the
 * cluster benchmarks (each command reaches Redis that much later; answers come back at once).
 *
 * <pre>java -cp parley-bench.jar parley.bench.DelayProxy LISTEN_PORT TARGET_HOST:PORT DELAY_MS</pre>
 */
public final class DelayProxy {
    private DelayProxy() {
    }

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    public static void main(String[] args) throws IOException {
        int listenPort = Integer.parseInt(args[0]);
        String[] target = args[1].split(":");
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        try (var server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", listenPort));
            System.out.println("delaying 127.0.0.1:" + listenPort + " -> " + args[1] + " by " + args[2] + " ms");
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(target[0], Integer.parseInt(target[1]));
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pipe(client, upstream, delayNanos);
                pipe(upstream, client, 0);
            }
        }
    }

    /** Copies one direction; with a delay, a reader thread stamps chunks and a writer sends each when due. */
    private static void pipe(Socket from, Socket to, long delayNanos) {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        start(() -> {
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[64 * 1024];
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    chunks.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            chunks.add(new Chunk(0, null));
        });
        start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk chunk = chunks.take(); chunk.bytes() != null; chunk = chunks.take()) {
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            close(from);
            close(to);
        });
    }

    private static void start(Runnable work) {
        Thread thread = new Thread(work, "delay-proxy");
        thread.setDaemon(false);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
