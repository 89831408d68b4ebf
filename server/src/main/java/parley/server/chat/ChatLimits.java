package parley.server.chat;

import java.time.Duration;

/**
 * The limits of the chat core. Zero turns a count limit off where noted.
 *
 * @param historySize        messages sent to a plain joiner
 * @param resumeBuffer       messages a room keeps for joins with {@code since} (at least historySize)
 * @param maxTextLength      longest message text, in Unicode code points
 * @param maxRoomsPerUser    rooms one user may be in at once; 0 = no limit
 * @param gracePeriod        how long a dropped user keeps nickname and rooms, waiting to resume
 * @param recentWhispers    recent whispers kept per user and sent again on resume (the newest, within the grace period)
 */
public record ChatLimits(int historySize, int resumeBuffer, int maxTextLength, int maxRoomsPerUser,
                         Duration gracePeriod, int recentWhispers) {
    public static final int DEFAULT_HISTORY_SIZE = 50;
    public static final int DEFAULT_RESUME_BUFFER = 500;
    public static final int DEFAULT_MAX_TEXT_LENGTH = 2000;
    public static final int DEFAULT_MAX_ROOMS_PER_USER = 50;
    public static final int DEFAULT_GRACE_SECONDS = 120;
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(DEFAULT_GRACE_SECONDS);
    public static final int DEFAULT_RECENT_WHISPERS = 100;

    public ChatLimits {
        if (historySize < 0 || resumeBuffer < historySize || maxTextLength < 1 || maxRoomsPerUser < 0
                || gracePeriod.isNegative() || recentWhispers < 0) {
            throw new IllegalArgumentException("invalid chat limits: history " + historySize + ", resume buffer "
                    + resumeBuffer + ", text " + maxTextLength + ", rooms " + maxRoomsPerUser);
        }
    }

    public static ChatLimits defaults() {
        return new ChatLimits(DEFAULT_HISTORY_SIZE, DEFAULT_RESUME_BUFFER, DEFAULT_MAX_TEXT_LENGTH,
                DEFAULT_MAX_ROOMS_PER_USER, DEFAULT_GRACE_PERIOD, DEFAULT_RECENT_WHISPERS);
    }

    public ChatLimits withMaxRoomsPerUser(int rooms) {
        return new ChatLimits(historySize, resumeBuffer, maxTextLength, rooms, gracePeriod, recentWhispers);
    }

    public ChatLimits withGracePeriod(Duration grace) {
        return new ChatLimits(historySize, resumeBuffer, maxTextLength, maxRoomsPerUser, grace, recentWhispers);
    }

    public ChatLimits withHistory(int history, int buffer) {
        return new ChatLimits(history, buffer, maxTextLength, maxRoomsPerUser, gracePeriod, recentWhispers);
    }
}
