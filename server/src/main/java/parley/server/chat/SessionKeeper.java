package parley.server.chat;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What every chat does the same way with the connections of its users: resume tokens, and dropped users kept
 * for the grace period before they leave. Subclasses decide what leaving means ({@link #forget}).
 */
abstract class SessionKeeper {
    private static final SecureRandom TOKENS = new SecureRandom();

    protected final ChatLimits limits;
    protected final Clock clock;
    protected final ConcurrentMap<String, ChatUser> usersByResumeToken = new ConcurrentHashMap<>();
    protected final Set<ChatUser> droppedUsers = ConcurrentHashMap.newKeySet();

    SessionKeeper(ChatLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Call holding the user's monitor: the user leaves every room and frees nickname and token. */
    protected abstract void forget(ChatUser user);

    /** The user quit through this connection: it leaves at once. */
    public void disconnect(ChatUser user, Peer peer) {
        synchronized (user) {
            if (user.peer() == peer) {
                forget(user);
            }
        }
    }

    /** This connection of the user was lost: the user waits for the grace period, unseen, to be resumed. */
    public void drop(ChatUser user, Peer peer) {
        synchronized (user) {
            if (user.peer() != peer || user.isGone() || user.isDropped()) {
                return;
            }
            if (limits.gracePeriod().isZero()) {
                forget(user);
                return;
            }
            user.markDropped(clock.millis());
            droppedUsers.add(user);
        }
    }

    /** Lets users dropped longer than the grace period go, as if they had quit. */
    public void expireDroppedUsers() {
        long expired = clock.millis() - limits.gracePeriod().toMillis();
        for (ChatUser user : droppedUsers) {
            synchronized (user) {
                if (user.isDropped() && user.droppedAt() <= expired) {
                    forget(user);
                }
            }
        }
    }

    /** Call holding the user's monitor: a new token for the user; the previous one stops working. */
    protected String newResumeToken(ChatUser user) {
        byte[] bytes = new byte[24];
        TOKENS.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String previous = user.resumeToken();
        if (previous != null) {
            usersByResumeToken.remove(previous, user);
            tokenRetired(previous);
        }
        user.resumeToken(token);
        usersByResumeToken.put(token, user);
        return token;
    }

    /** A token that no longer resumes anything; nothing to do unless tokens are kept elsewhere too. */
    protected void tokenRetired(String token) {
    }

    /** The user is gone: its token stops working. */
    protected void retireToken(ChatUser user) {
        droppedUsers.remove(user);
        if (user.resumeToken() != null) {
            usersByResumeToken.remove(user.resumeToken(), user);
        }
    }
}
