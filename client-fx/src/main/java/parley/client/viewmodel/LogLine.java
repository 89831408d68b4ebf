package parley.client.viewmodel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line of a room's log.
 *
 * @param from the sender for messages and whispers; the other party's nick for whispers; null for system lines
 */
public record LogLine(Kind kind, long timestamp, String from, String text) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    public enum Kind { MESSAGE, WHISPER_FROM, WHISPER_TO, SYSTEM, ERROR }

    /** The line as shown: time, who, text. */
    public String render(ZoneId zone) {
        String time = TIME.format(Instant.ofEpochMilli(timestamp).atZone(zone));
        return switch (kind) {
            case MESSAGE -> time + "  " + from + ": " + text;
            case WHISPER_FROM -> time + "  whisper from " + from + ": " + text;
            case WHISPER_TO -> time + "  whisper to " + from + ": " + text;
            case SYSTEM -> time + "  * " + text;
            case ERROR -> time + "  ! " + text;
        };
    }
}
