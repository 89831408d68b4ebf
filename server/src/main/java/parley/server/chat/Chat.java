package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The chat: who is connected under which nickname, who is in which room, and delivery of room messages and
 * whispers. This is the one seam between the protocol handlers and the chat's rules ({@link ChatService}), which
 * hold alone or share through a {@link Backplane} with the other servers of a cluster. Methods are thread-safe and
 * never block; a request that needs the other servers completes later. A client's requests must be handed over
 * one at a time, each after the previous one completed.
 */
public interface Chat {

    /** Registers a new connection under a fresh guest nickname and sends it {@code welcome}. */
    ChatUser connect(Peer peer);

    /**
     * Attaches a new connection to the user holding this resume token (dropped or not yet noticed as dropped), here
     * or on another server, sends it a resumed {@code welcome} and the whispers held for it. Completes with null
     * when the token is unknown or expired.
     */
    CompletionStage<ChatUser> resume(String resumeToken, Peer peer);

    /** The user quit through this connection: it leaves all its rooms at once and its nickname is free. */
    void disconnect(ChatUser user, Peer peer);

    /**
     * This connection of the user was lost: the user keeps nickname and rooms for the grace period, unseen by
     * others, and can be resumed. Ignored when the user has moved to another connection meanwhile.
     */
    void drop(ChatUser user, Peer peer);

    /** Lets users dropped longer than the grace period go, as if they had quit. Call periodically. */
    void expireDroppedUsers();

    CompletionStage<Outcome> rename(ChatUser user, String nick);

    /**
     * Joins a room; {@code since} (or null) is the last message id the client saw there, {@code key} (or null) opens
     * a room that has one.
     */
    CompletionStage<Outcome> join(ChatUser user, String room, String since, String key);

    default CompletionStage<Outcome> join(ChatUser user, String room, String since) {
        return join(user, room, since, null);
    }

    CompletionStage<Outcome> leave(ChatUser user, String room);

    /** A message to a room; {@code kind} is null or "action". */
    CompletionStage<Outcome> say(ChatUser user, String room, String text, String kind);

    default CompletionStage<Outcome> say(ChatUser user, String room, String text) {
        return say(user, room, text, null);
    }

    /** A private message; {@code kind} is null or "action". */
    CompletionStage<Outcome> whisper(ChatUser user, String to, String text, String kind);

    default CompletionStage<Outcome> whisper(ChatUser user, String to, String text) {
        return whisper(user, to, text, null);
    }

    /** Sets (or with "" clears) a room's topic. */
    CompletionStage<Outcome> topic(ChatUser user, String room, String topic);

    /** Marks the user away with a message, or back with null or "". */
    CompletionStage<Outcome> away(ChatUser user, String message);

    /** Answers with what can be told of a user. */
    CompletionStage<Outcome> whois(ChatUser user, String nick);

    /** An operator gives a member a role: "op", "voice" or "none". */
    CompletionStage<Outcome> role(ChatUser user, String room, String nick, String role);

    CompletionStage<Outcome> kick(ChatUser user, String room, String nick, String reason);

    CompletionStage<Outcome> ban(ChatUser user, String room, String nick, String reason);

    CompletionStage<Outcome> unban(ChatUser user, String room, String nick);

    /** Answers a member with the room's bans. */
    CompletionStage<Outcome> bans(ChatUser user, String room);

    /** An operator changes the modes given (null leaves one as it is; key "" removes the key). */
    CompletionStage<Outcome> mode(ChatUser user, String room, Boolean topicLocked, Boolean moderated,
                                  Boolean inviteOnly, String key);

    CompletionStage<Outcome> invite(ChatUser user, String room, String nick);

    /** The rooms that have members, sorted by name. */
    CompletionStage<List<ServerEvent.RoomInfo>> rooms();

    /** For administrators: every user of the chat, on every server, with their address and state. */
    CompletionStage<List<Administration.User>> users();

    /** For administrators: every room of the chat, with its member count, topic and modes. */
    CompletionStage<List<Administration.RoomSummary>> roomSummaries();

    /**
     * An administrator removes the holder of a nickname, on whichever server: closed with 4503, out of every room at
     * once, the nickname free. Completes with false when nobody holds it.
     */
    CompletionStage<Boolean> remove(String nick, String reason);

    /** A notice from administrators to everyone, or to the members of {@code room} (or null). */
    CompletionStage<Outcome> notice(String text, String room);

    /**
     * The limits {@code welcome} announces beyond the chat's own: requests per second and at once per connection
     * (0: none) and the largest frame in bytes. Call before clients connect.
     */
    void announce(double ratePerSecond, int burst, int maxFrameBytes);

    /** A few facts for operators (the server's {@code /health} page): mode, users connected here, rooms. */
    Map<String, Object> health();
}
