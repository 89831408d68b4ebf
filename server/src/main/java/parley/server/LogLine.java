package parley.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import org.slf4j.event.KeyValuePair;

import java.util.TimeZone;

/**
 * One console line per event, for people: {@code 09:14:03.271 INFO  ChatEndpoint - message key=value ...}, then
 * the stack trace if there is one. Written out by hand because Logback's pattern layout sets up some ninety
 * converters when it starts, about a tenth of the server's start-up, to print these five fields.
 */
final class LogLine extends LayoutBase<ILoggingEvent> {
    private final TimeZone zone = TimeZone.getDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
        var line = new StringBuilder(128);
        appendTimeOfDay(line, event.getTimeStamp());
        String level = event.getLevel().toString();
        line.append(' ').append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                line.append(' ').append(pair.key).append('=').append(pair.value);
            }
        }
        line.append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    /** HH:mm:ss.SSS in the machine's time zone. */
    private void appendTimeOfDay(StringBuilder line, long epochMillis) {
        long millisOfDay = Math.floorMod(epochMillis + zone.getOffset(epochMillis), 86_400_000L);
        twoDigits(line, millisOfDay / 3_600_000).append(':');
        twoDigits(line, millisOfDay / 60_000 % 60).append(':');
        twoDigits(line, millisOfDay / 1000 % 60).append('.');
        long millis = millisOfDay % 1000;
        line.append(millis < 100 ? "0" : "").append(millis < 10 ? "0" : "").append(millis);
    }

    private static StringBuilder twoDigits(StringBuilder line, long value) {
        return line.append(value < 10 ? "0" : "").append(value);
    }
}
