package parley.server.chat;

import parley.protocol.ErrorReason;
import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the server's administrators may see and do ({@code /admin/…}): every user and room of the whole chat,
 * removing a user, and notices to everyone or to a room. Unlike what users see, addresses are shown here.
 */
public final class Administration {
    private final Directory here;
    private final Sessions sessions;
    private final String node;

    Administration(Directory here, Sessions sessions, String node) {
        this.here = here;
        this.sessions = sessions;
        this.node = node;
    }

    /** One user as administrators see them; {@code node} is null on a server alone. */
    public record User(String nick, String address, List<String> rooms, long connectedAt, boolean secure, String state,
                String away, String node) {
    }

    /** One room as administrators see it. */
    public record RoomSummary(String name, int members, ServerEvent.TopicInfo topic, ServerEvent.Modes modes) {
    }

    CompletionStage<List<User>> users() {
        List<User> users = new ArrayList<>();
        Set<String> nickKeys = new HashSet<>();
        for (ChatUser user : here.users) {
            if (user.isGone()) {
                continue;
            }
            List<String> rooms = user.rooms().stream().map(Room::name).sorted(String.CASE_INSENSITIVE_ORDER).toList();
            users.add(new User(user.nick(), user.peer().address(), rooms, user.connectedAt(), user.peer().secure(),
                    state(user.isDropped()), user.away(), node));
            nickKeys.add(user.nickKey());
        }
        return here.backplane.profilesElsewhere().thenApply(elsewhere -> {
            for (Backplane.Profile profile : elsewhere) {
                if (nickKeys.add(Names.key(profile.nick()))) {
                    users.add(new User(profile.nick(), profile.address(), profile.rooms(), profile.connectedAt(),
                            profile.secure(), state(profile.dropped()), profile.away(), profile.node()));
                }
            }
            users.sort(Comparator.comparing(User::nick, String.CASE_INSENSITIVE_ORDER));
            return users;
        });
    }

    private static String state(boolean dropped) {
        return dropped ? "dropped" : "connected";
    }

    CompletionStage<List<RoomSummary>> rooms() {
        return here.backplane.rooms(here::roomsHere).thenCompose(rooms -> {
            List<CompletableFuture<RoomSummary>> summaries = new ArrayList<>();
            for (ServerEvent.RoomInfo info : rooms) {
                Room local = here.roomsByKey.get(Names.key(info.name()));
                CompletionStage<RoomControl> control;
                if (local != null) {
                    synchronized (local) {
                        control = CompletableFuture.completedFuture(local.control());
                    }
                } else {
                    control = here.backplane.controlElsewhere(Names.key(info.name()));
                }
                summaries.add(control.thenApply(known -> new RoomSummary(info.name(), info.members(), known.topic(),
                        known.modes())).toCompletableFuture());
            }
            return CompletableFuture.allOf(summaries.toArray(CompletableFuture[]::new))
                    .thenApply(all -> summaries.stream().map(CompletableFuture::join).toList());
        });
    }

    /**
     * Removes the holder of a nickname, wherever they are: their connection is closed with 4503 and the reason,
     * they leave every room at once and the nickname is free. False when nobody holds it.
     */
    CompletionStage<Boolean> remove(String nick, String reason) {
        String nickKey = Names.key(Names.normalize(nick));
        if (here.usersByNickKey.containsKey(nickKey)) {
            sessions.remove(nickKey, reason);
            return CompletableFuture.completedFuture(true);
        }
        return here.backplane.removeElsewhere(nickKey, reason);
    }

    /** The close reason of a removal: WebSocket close reasons hold at most 123 bytes. */
    static String closeReason(String reason) {
        String text = "removed by an administrator" + (reason == null || reason.isBlank() ? "" : ": " + reason);
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return text;
        }
        String cut = new String(bytes, 0, 120, java.nio.charset.StandardCharsets.UTF_8);
        return cut.substring(0, Math.max(0, cut.length() - 1)) + "…";
    }

    /** A notice to everyone, or to the members of {@code room}: the text follows the message text rules. */
    CompletionStage<Outcome> notice(String text, String room) {
        Outcome refusal = ChatRules.checkText(text, here.limits);
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        if (room == null) {
            send(null, text, null);
            return CompletableFuture.completedFuture(Outcome.done());
        }
        String name = Names.normalize(room);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return CompletableFuture.completedFuture(invalidName);
        }
        String key = Names.key(name);
        Room local = here.roomsByKey.get(key);
        if (local != null) {
            send(key, text, local.name());
            return CompletableFuture.completedFuture(Outcome.done());
        }
        return here.backplane.existsElsewhere(key).thenApply(exists -> {
            if (!Boolean.TRUE.equals(exists)) {
                return Outcome.refused(ErrorReason.NO_SUCH_ROOM, "no room named " + name);
            }
            send(key, text, name);
            return Outcome.done();
        });
    }

    private void send(String roomKey, String text, String roomName) {
        EncodedEvent frame = new EncodedEvent(here.codec.encode(new ServerEvent.Notice(text, here.clock.millis(), roomName)));
        sessions.notice(roomKey, frame);
        here.backplane.noticeElsewhere(roomKey, frame);
    }
}
