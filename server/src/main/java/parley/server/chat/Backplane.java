package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What this server shares with the other servers of its cluster, as the chat needs it: nicknames, seats in rooms,
 * the numbering of room messages, whispers to users elsewhere and sessions to resume anywhere. A lone server
 * shares nothing ({@link #alone}); a cluster node shares through {@code parley.server.cluster}.
 *
 * <p>Nothing here blocks, and the chat calls it holding no monitor. An answer that needs the other servers is a
 * stage completed later, on a thread of the backplane's; it fails with {@link ClusterUnavailable} when they cannot
 * be reached. Methods without an answer share in the background and set the cluster right later if they fail.
 */
public interface Backplane {

    /** The backplane of a server alone: everything stays here. */
    static Backplane alone(parley.protocol.EventCodec codec) {
        return new Alone(codec);
    }

    /** Starts sharing the chat this server holds. */
    void start(Here here);

    void stop();

    /** A guest nickname no other server gives out. */
    String guestNick();

    /** Makes whisper ids unique among servers: empty alone. */
    String idPrefix();

    /** A user is here now, new or resumed: its nickname and session are shared. */
    void arrived(ChatUser user);

    /** A user quit or expired: its nickname is free and its session gone; it has left every room already. */
    void departed(ChatUser user, String nick, String resumeToken);

    /** A resume token that no longer resumes anything. */
    void tokenRetired(String token);

    /** Claims a nickname for the user among all servers; true when nobody else holds it. */
    CompletionStage<Boolean> claimNick(ChatUser user, String nickKey, String nick);

    /** Gives back a nickname the user claimed but does not use. */
    void releaseNick(ChatUser user, String nickKey);

    /** The user changed nickname: members of these rooms on other servers get {@code event}. */
    void renamed(ChatUser user, String oldNickKey, List<String> roomKeys, EncodedEvent event);

    /**
     * Seats the user in the room among all servers and makes sure the room here knows where its messages stand and
     * how it is run ({@link Room#adoptControl}). Completes with the room's members on other servers, or null when
     * they are not known now.
     */
    CompletionStage<Members> enter(Room room, ChatUser user);

    /** A room's members on other servers: their nicknames, and the away messages of those away. */
    record Members(List<String> nicks, Map<String, String> away) {
    }

    /**
     * The room's control changed here by {@code change} (the room holds the result already): the other servers
     * apply it too, their members of the room get {@code events}, and a member of the nickname key
     * {@code evictNickKey} (or null) there leaves the room without a presence event. May be called holding the
     * room's monitor. Completes once the other servers can see the change (or it could not be shared).
     */
    CompletionStage<Void> controlChanged(Room room, RoomControl.Change change, List<EncodedEvent> events, String evictNickKey);

    /** How the member of the room with this nickname key on another server spells it, or null when none is. */
    CompletionStage<String> memberElsewhere(String roomKey, String nickKey);

    /**
     * Of the room's members anywhere, the one who has been in it longest; {@code longestHere} is that member
     * among those here (null when none is). Completes with a nickname, or null.
     */
    CompletionStage<String> longestMember(Room room, String longestHere);

    /** What {@code whois} shows of the holder of a nickname on another server, or null. */
    CompletionStage<Profile> profileElsewhere(String nickKey);

    /**
     * A user as other servers see them: {@code rooms} are room names, {@code hiddenRooms} those of them that are
     * invite-only (shown only to their members); {@code dropped} while their connection is lost, {@code node} the
     * server holding them.
     */
    record Profile(String nick, String address, boolean secure, long connectedAt, long activeAt, String away,
                   List<String> rooms, List<String> hiddenRooms, boolean dropped, String node) {
    }

    /** Every user held by other servers (for administrators). */
    CompletionStage<List<Profile>> profilesElsewhere();

    /** The control of a room that has members elsewhere (for administrators); none when not known. */
    CompletionStage<RoomControl> controlElsewhere(String roomKey);

    /** An administrator removes the holder of a nickname on another server; false when nobody holds it. */
    CompletionStage<Boolean> removeElsewhere(String nickKey, String reason);

    /** A notice from administrators for the users of other servers (all, or the members of {@code roomKey}). */
    void noticeElsewhere(String roomKey, EncodedEvent frame);

    /** The user's connection was lost: they wait here for the grace period. */
    void dropped(ChatUser user);

    /**
     * The user went away or came back ({@code user.away()}); {@code event} goes to the members of these rooms on
     * other servers.
     */
    void awayChanged(ChatUser user, List<String> roomKeys, EncodedEvent event);

    /** The user said or whispered something: other servers may show how long they have been idle. */
    void active(ChatUser user);

    /** The user's seat in the room is free; {@code presence} (or null for none) goes to its members elsewhere. */
    void exited(Room room, ChatUser user, EncodedEvent presence);

    /** The user joined the room here; {@code presence} goes to its members on other servers. */
    void joined(Room room, ChatUser user, EncodedEvent presence);

    /** The room has no members here any more. */
    void closed(Room room);

    /** Whether a room nobody here is in has members elsewhere. */
    CompletionStage<Boolean> existsElsewhere(String roomKey);

    /**
     * Numbers the user's message and shows it to the room's members here and everywhere, in id order; completes
     * with its id once it has been shown here.
     */
    CompletionStage<String> post(Room room, ChatUser user, String text, String kind, long timestamp);

    /** How the holder of a nickname on another server spells it, or null when nobody holds it. */
    CompletionStage<String> nickElsewhere(String nickKey);

    /** Delivers a whisper to the holder of a nickname on another server. */
    CompletionStage<Void> whisper(String nickKey, EncodedEvent frame);

    /** Sends an event (an invitation) to the holder of a nickname on another server, once, without keeping it. */
    CompletionStage<Void> tell(String nickKey, EncodedEvent frame);

    /** A session held on another server (alive or not), or null when the token resumes nothing. */
    CompletionStage<Session> findSession(String resumeToken);

    /** Moves a found session's nickname and seats to the user here; false when it is no longer to be had. */
    CompletionStage<Boolean> takeSession(String resumeToken, Session session, ChatUser user);

    /**
     * A session to resume: the nickname, the rooms, who held it ({@code holder} means something elsewhere) and the
     * away message (or null).
     */
    record Session(String nick, List<RoomRef> rooms, String holder, String away) {
    }

    record RoomRef(String key, String name) {
    }

    /** The rooms that have members anywhere, sorted by name; {@code here} lists those of this server. */
    CompletionStage<List<ServerEvent.RoomInfo>> rooms(Supplier<List<ServerEvent.RoomInfo>> here);

    /** Facts for operators, added to the chat's own. */
    Map<String, Object> health();

    /** What the backplane may ask of the chat this server holds. */
    interface Here {
        /** The room of this key with members here (or joins under way), or null. */
        Room room(String roomKey);

        /** Every user here, dropped ones in their grace period included. */
        Iterable<ChatUser> users();

        /** Delivers a whisper from another server to the user holding this nickname here, if any. */
        void deliverWhisper(String nickKey, EncodedEvent frame);

        /** Sends an event from another server to the user holding this nickname here, if any and connected. */
        void tell(String nickKey, EncodedEvent frame);

        /** Sends an event once to everyone here who shares one of these rooms. */
        void sendToRooms(List<String> roomKeys, EncodedEvent frame);

        /**
         * A member of the room held by a server that stopped was let go: their role goes, and when no operator is
         * left the longest member becomes one. Only the server holding that member acts, so that it happens once.
         */
        void memberSwept(String roomKey, String nick);

        /** Another server put the member of this nickname key out of the room (kick, ban): it leaves silently. */
        void evict(String roomKey, String nickKey);

        /** An administrator on another server removed the holder of this nickname, if they are here. */
        void remove(String nickKey, String reason);

        /** A notice for the users here: all of them, or the members of the room of this key (or null for all). */
        void notice(String roomKey, EncodedEvent frame);

        /** The user resumed on another server: it goes from here silently, and its connection is closed. */
        void letGo(ChatUser user);
    }
}
