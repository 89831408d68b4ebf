package parley.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import parley.protocol.EventCodec;
import parley.server.chat.ChatLimits;
import parley.server.chat.LocalChat;
import parley.server.routing.ChatHandlers;
import parley.server.transport.WebSocketServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The server's command line: reads the options, wires chat, router and transport, and runs until stopped. */
@Command(name = "parley-server", mixinStandardHelpOptions = true, version = "Parley server 1.0, protocol v1",
        description = "Runs a Parley chat server at ws://HOST:PORT/chat.", sortOptions = false)
public final class ParleyServer implements Callable<Integer> {
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to bind (default: ${DEFAULT-VALUE}, every interface; 127.0.0.1 for this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8025",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--history", paramLabel = "N", defaultValue = "" + ChatLimits.DEFAULT_HISTORY_SIZE,
            description = "Messages a room keeps and sends to a joiner (default: ${DEFAULT-VALUE}).")
    int historySize;

    @Option(names = "--max-text", paramLabel = "CHARS", defaultValue = "" + ChatLimits.DEFAULT_MAX_TEXT_LENGTH,
            description = "Longest message text in characters; longer is error 413 (default: ${DEFAULT-VALUE}).")
    int maxTextLength;

    @Option(names = "--max-frame", paramLabel = "BYTES", defaultValue = "" + DEFAULT_MAX_FRAME_BYTES,
            description = "Largest WebSocket message accepted; larger closes the connection with 1009 (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new ParleyServer()).execute(args));
    }

    /** Wires an in-memory chat to a WebSocket server and starts it; tests use this too. */
    public static WebSocketServer start(String host, int port, ChatLimits limits, int maxFrameBytes) throws IOException {
        var codec = new EventCodec();
        var chat = new LocalChat(codec, limits, Clock.systemUTC());
        return WebSocketServer.start(host, port, chat, ChatHandlers.router(chat, codec), maxFrameBytes);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (port < 0 || port > 65_535 || historySize < 0 || maxTextLength < 1 || maxFrameBytes < 256) {
            spec.commandLine().getErr().println(
                    "parley-server: --port must be 0-65535, --history >= 0, --max-text >= 1, --max-frame >= 256");
            return 2;
        }
        WebSocketServer server;
        try {
            server = start(host, port, new ChatLimits(historySize, maxTextLength), maxFrameBytes);
        } catch (BindException e) {
            spec.commandLine().getErr().println("parley-server: cannot listen on " + host + ":" + port + ": "
                    + (e.getMessage() == null ? "address in use" : e.getMessage().toLowerCase()));
            return 1;
        }
        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        log.info("Parley listening on {}:{}; clients connect to ws://{}:{}{}",
                host, server.port(), shownHost, server.port(), WebSocketServer.PATH);

        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: closing connections with 1001 (going away)");
            server.stop();
            stopped.countDown();
        }, "parley-shutdown"));
        stopped.await();
        return 0;
    }
}
