package parley.server.chat;

/**
 * The limits of the chat core.
 *
 * @param historySize     how many recent messages a room keeps and sends to a joiner
 * @param maxTextLength   longest message text, in Unicode code points
 */
public record ChatLimits(int historySize, int maxTextLength) {
    public static final int DEFAULT_HISTORY_SIZE = 50;
    public static final int DEFAULT_MAX_TEXT_LENGTH = 2000;

    public ChatLimits {
        if (historySize < 0 || maxTextLength < 1) {
            throw new IllegalArgumentException("history size must be >= 0 and max text length >= 1");
        }
    }

    public static ChatLimits defaults() {
        return new ChatLimits(DEFAULT_HISTORY_SIZE, DEFAULT_MAX_TEXT_LENGTH);
    }
}
