package parley.client.chat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which lines become desktop notifications, and how a burst becomes one: a line notifies when its conversation
 * is not on screen and its setting asks for it (every whisper counts as a mention); at most one notification
 * goes out every 2 seconds, and what arrived meanwhile is summed up ("5 messages from 3 people"). Plain Java
 * with the time passed in: the caller polls when a line is offered and again when {@link #nextPollAt} comes.
 */
public final class NotificationPolicy {
    public static final long MIN_GAP_MILLIS = 2_000;
    static final int MAX_BODY_CHARACTERS = 120;

    /** Per conversation: every message, mentions only (the default), or nothing. */
    public enum Level { ALL, MENTIONS, NONE }

    /** A line that arrived. {@code mention} is true for whispers and for lines that mention you. */
    public record Line(String conversation, boolean isPrivate, String sender, String text, boolean mention) { }

    /** What to show; {@code conversation} is the one to open when it is clicked, null for a mixed burst. */
    public record Notification(String summary, String body, String conversation) { }

    private final List<Line> pending = new ArrayList<>();
    private long lastShownAt = Long.MIN_VALUE / 2;

    /** Whether the line asks for a notification at all. */
    public static boolean wants(Line line, Level level, boolean onScreen) {
        if (onScreen) {
            return false;
        }
        return switch (level) {
            case ALL -> true;
            case MENTIONS -> line.mention() || line.isPrivate();
            case NONE -> false;
        };
    }

    public void offer(Line line) {
        pending.add(line);
    }

    /** The notification to show now, or null (nothing waiting, or the last one was under 2 seconds ago). */
    public Notification poll(long nowMillis) {
        if (pending.isEmpty() || nowMillis - lastShownAt < MIN_GAP_MILLIS) {
            return null;
        }
        lastShownAt = nowMillis;
        Notification notification = summarize(pending);
        pending.clear();
        return notification;
    }

    /** When a waiting burst may go out; meaningful while {@link #hasPending}. */
    public long nextPollAt() {
        return lastShownAt + MIN_GAP_MILLIS;
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }

    private static Notification summarize(List<Line> lines) {
        if (lines.size() == 1) {
            Line line = lines.get(0);
            String summary = line.isPrivate() ? line.sender() : line.sender() + " in " + line.conversation();
            return new Notification(summary, shorten(line.text()), line.conversation());
        }
        Set<String> people = new LinkedHashSet<>();
        Set<String> conversations = new LinkedHashSet<>();
        for (Line line : lines) {
            people.add(line.sender());
            conversations.add(line.conversation());
        }
        String body = lines.size() + " messages from " + (people.size() == 1
                ? people.iterator().next() : people.size() + " people");
        String only = conversations.size() == 1 ? conversations.iterator().next() : null;
        if (only != null && !lines.get(0).isPrivate()) {
            body += " in " + only;
        }
        return new Notification("Parley", body, only);
    }

    static String shorten(String text) {
        String oneLine = text.replace('\n', ' ').strip();
        if (oneLine.codePointCount(0, oneLine.length()) <= MAX_BODY_CHARACTERS) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, MAX_BODY_CHARACTERS - 1)) + "…";
    }
}
