package parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.LoggerFactory;

/**
 * The server's logging, set up in code (found by Logback through {@code META-INF/services}): one console
 * line per event, Parley at INFO ({@code PARLEY_LOG_LEVEL} to change it), libraries at WARN. Code instead of
 * {@code logback.xml} because reading XML costs a noticeable part of the server's start-up.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // Tyrus and Grizzly log through java.util.logging, bridged to SLF4J; this keeps the bridge cheap.
        var julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        var console = new ConsoleAppender<ILoggingEvent>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setEncoder(encoder(context, "json".equalsIgnoreCase(System.getenv("PARLEY_LOG_FORMAT"))));
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("org.glassfish").setLevel(Level.WARN);
        context.getLogger("parley").setLevel(Level.toLevel(System.getenv("PARLEY_LOG_LEVEL"), Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static final String CONSOLE = "CONSOLE";

    /**
     * One line per event for people, or one JSON object per line for log shippers ({@code --log-format json}):
     * the message, and the event's fields (address, nick, close code...) as fields of their own.
     */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
        if (json) {
            var encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            return encoder;
        }
        var line = new LogLine();
        line.setContext(context);
        line.start();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(line);
        encoder.start();
        return encoder;
    }

    /** Switches the console to JSON lines, or back; the command line decides after logging has started. */
    public static void useJson(boolean json) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
        if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(encoder(context, json));
            console.start();
        }
    }
}
