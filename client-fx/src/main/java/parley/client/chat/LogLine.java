package parley.client.chat;

/**
 * One line of a conversation's log.
 *
 * @param from    who wrote it, for messages, whispers and actions; the other person for a whisper note; else null
 * @param mention whether it mentions you (drawn highlighted); for a {@link Kind#PRESENCE} line, whether the person
 *                spoke in the last 10 minutes (the "smart" joins-and-leaves filter shows only those)
 * @param earlier whether it was read back from the log on disk (drawn greyed)
 */
public record LogLine(Kind kind, long timestamp, String from, String text, boolean mention, boolean earlier) {

    public enum Kind {
        /** Someone's message in a room, or a whisper in a private conversation. */
        MESSAGE,
        /** A whisper, shown in a private conversation. */
        WHISPER,
        /** A {@code /me}: "* alice waves", in a room or a private conversation. */
        ACTION,
        /** An invitation into the room named by {@code text}, from {@code from}: drawn with a "Join" button. */
        INVITATION,
        /** A notice from the server's administrators, set apart from chat lines. */
        NOTICE,
        /** In a room's log: "you whispered to X", so the room shows where a message went. */
        WHISPER_NOTE,
        /** Someone joined, left or changed their name (filtered by the "joins and leaves" setting). */
        PRESENCE,
        SYSTEM,
        ERROR,
        /** The day changes here. */
        DAY,
        /** Lines above came from the log on disk. */
        EARLIER,
        /** Lines below arrived while you were away. */
        NEW_MESSAGES
    }

    public static LogLine of(Kind kind, long timestamp, String from, String text) {
        return new LogLine(kind, timestamp, from, text, false, false);
    }

    public static LogLine presence(long timestamp, String nick, String text, boolean spokeLately) {
        return new LogLine(Kind.PRESENCE, timestamp, nick, text, spokeLately, false);
    }

    public static LogLine system(long timestamp, String text) {
        return of(Kind.SYSTEM, timestamp, null, text);
    }

    /** Whether it is something a person wrote (it counts as unread). */
    public boolean isChat() {
        return kind == Kind.MESSAGE || kind == Kind.WHISPER || kind == Kind.ACTION;
    }

    /** Whether it is one of the lines the log draws between others (day, earlier, new messages). */
    public boolean isSeparator() {
        return kind == Kind.DAY || kind == Kind.EARLIER || kind == Kind.NEW_MESSAGES;
    }

    public LogLine asEarlier() {
        return new LogLine(kind, timestamp, from, text, mention, true);
    }

    public LogLine asMention() {
        return new LogLine(kind, timestamp, from, text, true, earlier);
    }
}
