package parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class LogLineTest {
    private final LoggerContext context = new LoggerContext();
    private final LogLine layout = new LogLine();

    @Test
    void aLineHasTheTimeOfDayTheLevelTheLoggersShortNameAndTheMessage() {
        var event = event(Level.INFO, "Parley listening on {}", null, "0.0.0.0:8025");
        long when = event.getTimeStamp();

        String expectedTime = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .format(Instant.ofEpochMilli(when).atZone(ZoneId.systemDefault()));
        assertThat(layout.doLayout(event))
                .isEqualTo(expectedTime + " INFO  ParleyServer - Parley listening on 0.0.0.0:8025" + System.lineSeparator());
    }

    @Test
    void keyValuePairsFollowTheMessageAndLongLevelsKeepOneSpace() {
        var event = event(Level.DEBUG, "closed", null);
        event.addKeyValuePair(new KeyValuePair("address", "10.0.0.7"));
        event.addKeyValuePair(new KeyValuePair("code", 4000));

        assertThat(layout.doLayout(event)).endsWith(" DEBUG ParleyServer - closed address=10.0.0.7 code=4000" + System.lineSeparator());
    }

    @Test
    void aThrowableIsPrintedBelowTheLine() {
        String line = layout.doLayout(event(Level.WARN, "Writing failed", new IOException("Broken pipe")));

        assertThat(line).contains(" WARN  ParleyServer - Writing failed" + System.lineSeparator()
                + "java.io.IOException: Broken pipe").contains("at parley.server.LogLineTest");
    }

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... arguments) {
        return new LoggingEvent("parley.server.ParleyServer", context.getLogger("parley.server.ParleyServer"), level,
                message, thrown, arguments);
    }
}
