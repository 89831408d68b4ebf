package parley.client.viewmodel;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;
import javafx.collections.ObservableSet;
import parley.client.chat.LogLine;
import parley.protocol.ServerEvent;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How rooms are run and what people learn of each other, as the server tells it: what the server can do
 * ({@code welcome.features}), each room's topic, modes and roles, who is away, kicks, bans, invitations and
 * {@code whois} answers, each as lines in the conversations. Owned by the FX thread.
 */
public final class ModerationViewModel {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final ConversationsViewModel chats;
    private final Clock clock;
    private final ZoneId zone;
    /** The room this client was put out of (kick or ban): the window closes it. */
    private final Consumer<String> putOut;
    private final ObservableSet<String> features = FXCollections.observableSet();
    private final ObservableMap<String, String> away = FXCollections.observableHashMap();
    private final ReadOnlyStringWrapper myAway = new ReadOnlyStringWrapper("");
    /** The away message last shown for each person whispered to, so that it is said once, not per whisper. */
    private final Map<String, String> awayShown = new HashMap<>();
    private String myNick = "";

    ModerationViewModel(ConversationsViewModel chats, Clock clock, ZoneId zone, Consumer<String> putOut) {
        this.chats = chats;
        this.clock = clock;
        this.zone = zone;
        this.putOut = putOut;
    }

    // --- what the window tells it

    void welcomed(ServerEvent.Welcome welcome) {
        myNick = welcome.nick();
        features.clear();
        if (welcome.features() != null) {
            features.addAll(welcome.features());
        }
        if (!welcome.resumed()) {
            myAway.set("");
        }
    }

    void myNickIs(String nick) {
        myNick = nick;
    }

    void joined(ServerEvent.Joined joined, ConversationViewModel room) {
        ServerEvent.TopicInfo topic = joined.topic();
        room.setTopic(topic == null ? null : topic.text(), topic == null ? null : describeTopic(topic));
        room.setModes(joined.modes());
        room.roles().clear();
        if (joined.roles() != null) {
            room.roles().putAll(joined.roles());
        }
        for (String member : joined.members()) {
            String message = joined.away() == null ? null : joined.away().get(member);
            if (message != null) {
                away.put(member, message);
            } else if (!member.equals(myNick)) {
                away.remove(member);
            }
        }
    }

    /** Someone left a room (or was put out of it): their role there goes. */
    void left(ConversationViewModel room, String nick) {
        room.roles().remove(nick);
    }

    void renamed(String old, String nick) {
        for (ConversationViewModel room : chats.rooms()) {
            String role = room.roles().remove(old);
            if (role != null) {
                room.roles().put(nick, role);
            }
        }
        String message = away.remove(old);
        if (message != null) {
            away.put(nick, message);
        }
        if (old.equals(myNick)) {
            myNick = nick;
        }
    }

    /** A whisper was accepted; when its recipient is away, their private conversation says so, once per message. */
    void whisperAnswered(String to, String awayMessage) {
        if (to == null) {
            return;
        }
        if (awayMessage == null) {
            awayShown.remove(to);
            return;
        }
        if (!awayMessage.equals(awayShown.put(to, awayMessage))) {
            chats.add(chats.privateConversation(to, true), system(to + " is away: " + awayMessage), true);
        }
    }

    void forget() {
        features.clear();
        away.clear();
        awayShown.clear();
        myAway.set("");
    }

    /** Handles the events of running rooms and of people; false for any other event. */
    boolean handle(ServerEvent event) {
        if (event instanceof ServerEvent.TopicChanged topic) {
            onTopic(topic);
        } else if (event instanceof ServerEvent.AwayChanged change) {
            onAway(change);
        } else if (event instanceof ServerEvent.WhoisReply whois) {
            onWhois(whois);
        } else if (event instanceof ServerEvent.RoleChanged role) {
            onRole(role);
        } else if (event instanceof ServerEvent.Kicked kicked) {
            onKicked(kicked);
        } else if (event instanceof ServerEvent.Banned banned) {
            inRoom(banned.room(), banned.by() + " banned " + banned.nick() + because(banned.reason()));
        } else if (event instanceof ServerEvent.Unbanned unbanned) {
            inRoom(unbanned.room(), unbanned.by() + " lifted the ban on " + unbanned.nick());
        } else if (event instanceof ServerEvent.BanList list) {
            onBanList(list);
        } else if (event instanceof ServerEvent.ModeChanged mode) {
            onMode(mode);
        } else if (event instanceof ServerEvent.Notice notice) {
            onNotice(notice);
        } else if (event instanceof ServerEvent.Invited invited) {
            chats.addToOpen(LogLine.of(LogLine.Kind.INVITATION, clock.millis(), invited.by(), invited.room()));
        } else {
            return false;
        }
        return true;
    }

    /** A notice goes to its room, or to every open conversation (the server log when none is open). */
    private void onNotice(ServerEvent.Notice notice) {
        LogLine line = LogLine.of(LogLine.Kind.NOTICE, notice.ts(), null, notice.text());
        if (notice.room() != null) {
            ConversationViewModel room = chats.room(notice.room());
            if (room != null) {
                chats.add(room, line);
            }
            return;
        }
        List<ConversationViewModel> open = List.copyOf(chats.list());
        if (open.isEmpty()) {
            chats.addToOpen(line);
        }
        open.forEach(conversation -> chats.add(conversation, line));
    }

    private void onTopic(ServerEvent.TopicChanged change) {
        ConversationViewModel room = chats.room(change.room());
        if (room == null) {
            return;
        }
        boolean cleared = change.topic().isEmpty();
        room.setTopic(change.topic(), cleared ? null : describeTopic(new ServerEvent.TopicInfo(change.topic(), change.by(), change.ts())));
        chats.add(room, system(cleared ? change.by() + " cleared the topic" : change.by() + " set the topic: " + change.topic()));
    }

    private void onAway(ServerEvent.AwayChanged change) {
        if (change.message() == null) {
            away.remove(change.nick());
        } else {
            away.put(change.nick(), change.message());
        }
        if (change.nick().equals(myNick)) {
            myAway.set(change.message() == null ? "" : change.message());
            chats.addToOpen(system(change.message() == null ? "You are back" : "You are away: " + change.message()));
        }
    }

    private void onWhois(ServerEvent.WhoisReply whois) {
        List<String> facts = new ArrayList<>();
        facts.add(whois.rooms().isEmpty() ? "in no rooms you can see" : "in " + String.join(", ", whois.rooms()));
        if (whois.away() != null) {
            facts.add("away: " + whois.away());
        }
        facts.add("idle " + idle(whois.idleSeconds()));
        facts.add("connected since " + CLOCK.format(Instant.ofEpochMilli(whois.connectedAt()).atZone(zone))
                + (whois.secure() ? " over TLS" : " without TLS"));
        chats.addToOpen(system(whois.nick() + ": " + String.join("; ", facts)));
    }

    private void onRole(ServerEvent.RoleChanged change) {
        ConversationViewModel room = chats.room(change.room());
        if (room == null) {
            return;
        }
        if (ServerEvent.NO_ROLE.equals(change.role())) {
            room.roles().remove(change.nick());
        } else {
            room.roles().put(change.nick(), change.role());
        }
        String who = change.by() == null ? "The server" : change.by();
        chats.add(room, system(switch (change.role()) {
            case ServerEvent.OPERATOR -> who + " made " + change.nick() + " an operator";
            case ServerEvent.VOICE -> who + " gave " + change.nick() + " voice";
            default -> who + " took " + change.nick() + "'s role";
        }));
    }

    private void onKicked(ServerEvent.Kicked kicked) {
        ConversationViewModel room = chats.room(kicked.room());
        if (kicked.nick().equals(myNick)) {
            putOut.accept(kicked.room());
            chats.addToOpen(LogLine.of(LogLine.Kind.ERROR, clock.millis(), null,
                    kicked.by() + " put you out of " + kicked.room() + because(kicked.reason())));
            return;
        }
        if (room != null) {
            room.members().remove(kicked.nick());
            left(room, kicked.nick());
            chats.add(room, system(kicked.by() + " kicked " + kicked.nick() + because(kicked.reason())));
        }
    }

    private void onBanList(ServerEvent.BanList list) {
        if (list.bans().isEmpty()) {
            chats.addToOpen(system("Nobody is banned from " + list.room()));
            return;
        }
        chats.addToOpen(system("Banned from " + list.room() + ":"));
        for (ServerEvent.BanInfo ban : list.bans()) {
            chats.addToOpen(system("  " + ban.nick() + " — by " + ban.by() + ", "
                    + CLOCK.format(Instant.ofEpochMilli(ban.ts()).atZone(zone)) + because(ban.reason())));
        }
    }

    private void onMode(ServerEvent.ModeChanged change) {
        ConversationViewModel room = chats.room(change.room());
        if (room == null) {
            return;
        }
        ServerEvent.Modes before = room.modesProperty().get();
        ServerEvent.Modes after = change.modes();
        room.setModes(after);
        List<String> changes = new ArrayList<>();
        describe(changes, before.moderated(), after.moderated(), "moderated (only operators and voiced members speak)", "not moderated");
        describe(changes, before.inviteOnly(), after.inviteOnly(), "invite-only", "open to everyone");
        describe(changes, before.topicLocked(), after.topicLocked(), "topic locked to operators", "topic open to members");
        describe(changes, before.key(), after.key(), "a key is needed to join", "no key is needed");
        if (!changes.isEmpty()) {
            chats.add(room, system(change.by() + " made the room " + String.join(", ", changes)));
        } else if (after.key()) {
            chats.add(room, system(change.by() + " changed the room's key"));
        }
    }

    private static void describe(List<String> changes, boolean before, boolean after, String on, String off) {
        if (before != after) {
            changes.add(after ? on : off);
        }
    }

    private void inRoom(String roomName, String text) {
        ConversationViewModel room = chats.room(roomName);
        if (room != null) {
            chats.add(room, system(text));
        } else {
            chats.addToOpen(system(text));
        }
    }

    private String describeTopic(ServerEvent.TopicInfo topic) {
        return "set by " + topic.by() + " at " + CLOCK.format(Instant.ofEpochMilli(topic.ts()).atZone(zone));
    }

    private LogLine system(String text) {
        return LogLine.system(clock.millis(), text);
    }

    private static String because(String reason) {
        return reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
    }

    private static String idle(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    // --- properties

    /** What the server announced it can do beyond version 1 ("topic", "moderation", ...). */
    public ObservableSet<String> features() {
        return features;
    }

    public boolean supports(String feature) {
        return features.contains(feature);
    }

    /** Who is away, nickname to message. */
    public ObservableMap<String, String> away() {
        return away;
    }

    /** Your own away message, "" while you are here. */
    public ReadOnlyStringProperty myAwayProperty() {
        return myAway.getReadOnlyProperty();
    }
}
