package parley.server;

import org.slf4j.LoggerFactory;
import parley.server.chat.Names;
import parley.server.metrics.Metrics;
import picocli.CommandLine;

import java.util.concurrent.CompletableFuture;

/**
 * The server jar's entry point. The two slowest parts of start-up, the metrics library and the Unicode tables
 * that names are checked against, begin loading on threads of their own as soon as logging is set up; the codec,
 * the command line and the transport load on this thread meanwhile, and listening begins about 0.1 s
 * sooner (docs/performance.md, "Start-up"). With {@code --no-metrics} the registry is left unused.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Logging first: the libraries log while they load, and SLF4J sets itself up on one thread only.
        LoggerFactory.getILoggerFactory();
        Names.prepareInBackground();
        String version = version();
        CompletableFuture<Metrics> prometheus = CompletableFuture.supplyAsync(() -> Metrics.prometheus(version));
        System.exit(new CommandLine(new ParleyServer(prometheus)).execute(args));
    }

    /** The version of this build, from the jar's manifest ("dev" when run from classes). */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
