package parley.server.chat;

import parley.protocol.CloseCodes;
import parley.protocol.ServerEvent;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The comings and goings of users: new connections, resume tokens and resumes (here or from another server),
 * quits, drops kept for the grace period and their expiry, and users let go because they resumed elsewhere. Also what the backplane may ask of this server.
 */
final class Sessions implements Backplane.Here {
    private static final SecureRandom TOKENS = new SecureRandom();

    private final Directory here;
    private final Backplane backplane;
    private final ChatLimits limits;
    private final Clock clock;
    private final ConcurrentMap<String, ChatUser> usersByResumeToken = new ConcurrentHashMap<>();
    /** Users whose connection was lost, kept for the grace period before they leave. */
    private final Set<ChatUser> droppedUsers = ConcurrentHashMap.newKeySet();

    Sessions(Directory here) {
        this.here = here;
        this.backplane = here.backplane;
        this.limits = here.limits;
        this.clock = here.clock;
    }

    ChatUser connect(Peer peer) {
        ChatUser user;
        do {
            user = here.newUser(peer, backplane.guestNick());
        } while (here.usersByNickKey.putIfAbsent(user.nickKey(), user) != null);
        here.users.add(user);
        synchronized (user) {
            peer.send(here.codec.encode(ServerEvent.Welcome.fresh(user.nick(), newResumeToken(user), here.announced)));
        }
        backplane.arrived(user);
        return user;
    }

    CompletionStage<ChatUser> resume(String resumeToken, Peer peer) {
        if (resumeToken == null) {
            return CompletableFuture.completedFuture(null);
        }
        ChatUser known = usersByResumeToken.get(resumeToken);
        if (known != null) {
            return CompletableFuture.completedFuture(resumeHere(known, resumeToken, peer));
        }
        return backplane.findSession(resumeToken)
                .thenCompose(session -> session == null ? CompletableFuture.<ChatUser>completedFuture(null)
                        : adopt(resumeToken, session, peer))
                .exceptionally(failure -> null);
    }

    private ChatUser resumeHere(ChatUser user, String resumeToken, Peer peer) {
        Peer previous;
        synchronized (user) {
            if (user.isGone() || !resumeToken.equals(user.resumeToken())) {
                return null;
            }
            previous = user.peer();
            List<EncodedEvent> held = user.reattach(peer, clock.millis() - limits.gracePeriod().toMillis());
            droppedUsers.remove(user);
            List<String> rooms = new ArrayList<>();
            for (Room room : user.rooms()) {
                synchronized (room) {
                    // Until the client joins again (with "since"), it gets nothing live from the room, so that
                    // what it missed and what follows arrive once each and in order.
                    room.awaitRejoin(user);
                    rooms.add(room.name());
                }
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            peer.send(here.codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), rooms, here.announced)));
            held.forEach(peer::send);
        }
        backplane.arrived(user);
        if (previous != peer) {
            previous.close(CloseCodes.REPLACED, "resumed on a newer connection");
        }
        return user;
    }

    /** The user was connected to another server (alive or dead): their nickname and seats move here. */
    private CompletionStage<ChatUser> adopt(String resumeToken, Backplane.Session session, Peer peer) {
        String key = Names.key(session.nick());
        ChatUser user = here.newUser(peer, session.nick());
        if (here.usersByNickKey.putIfAbsent(key, user) != null) {
            return CompletableFuture.completedFuture(null);
        }
        return backplane.takeSession(resumeToken, session, user).handle((taken, failure) -> {
            if (failure != null || !taken) {
                here.usersByNickKey.remove(key, user);
                return CompletableFuture.<ChatUser>completedFuture(null);
            }
            here.users.add(user);
            user.away(session.away());
            List<Room> rooms = new ArrayList<>();
            List<CompletableFuture<Backplane.Members>> seats = new ArrayList<>();
            for (Backplane.RoomRef ref : session.rooms()) {
                Room room = here.openRoom(ref.key(), ref.name());
                rooms.add(room);
                seats.add(backplane.enter(room, user).toCompletableFuture());
            }
            return CompletableFuture.allOf(seats.toArray(CompletableFuture[]::new))
                    .handle((seated, seatFailure) -> welcomeAdopted(user, rooms));
        }).thenCompose(adopted -> adopted);
    }

    private ChatUser welcomeAdopted(ChatUser user, List<Room> rooms) {
        synchronized (user) {
            List<String> names = new ArrayList<>();
            for (Room room : rooms) {
                synchronized (room) {
                    room.arrived();
                    room.members().add(user);
                    room.awaitRejoin(user);
                    user.rooms().add(room);
                    names.add(room.name());
                }
            }
            names.sort(String.CASE_INSENSITIVE_ORDER);
            user.peer().send(here.codec.encode(ServerEvent.Welcome.resumed(user.nick(), newResumeToken(user), names, here.announced)));
        }
        backplane.arrived(user);
        return user;
    }

    /** Call holding the user's monitor: the user leaves every room and frees nickname and token. */
    private void forget(ChatUser user) {
        if (user.isGone()) {
            return;
        }
        user.markGone();
        for (Room room : List.copyOf(user.rooms())) {
            synchronized (room) {
                here.removeMember(room, user, true);
            }
        }
        here.usersByNickKey.remove(user.nickKey(), user);
        here.users.remove(user);
        String token = user.resumeToken();
        retireToken(user);
        backplane.departed(user, user.nick(), token);
    }

    /** The user quit through this connection: it leaves at once. */
    void disconnect(ChatUser user, Peer peer) {
        synchronized (user) {
            if (user.peer() == peer) {
                forget(user);
            }
        }
    }

    /** This connection of the user was lost: the user waits for the grace period, unseen, to be resumed. */
    void drop(ChatUser user, Peer peer) {
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
        backplane.dropped(user);
    }

    /**
     * A user of a saved state: dropped (when the server stopped, or earlier), and resumed with the token it had
     * before, for the rest of its grace period.
     */
    void restored(ChatUser user, String resumeToken) {
        user.resumeToken(resumeToken);
        usersByResumeToken.put(resumeToken, user);
        droppedUsers.add(user);
    }

    /** How many users have a live connection here. */
    int connectedUsers() {
        int connected = 0;
        for (ChatUser user : here.users) {
            if (!user.isDropped()) {
                connected++;
            }
        }
        return connected;
    }

    /** Lets users dropped longer than the grace period go, as if they had quit. */
    void expireDroppedUsers() {
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
    private String newResumeToken(ChatUser user) {
        byte[] bytes = new byte[24];
        TOKENS.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String previous = user.resumeToken();
        if (previous != null) {
            usersByResumeToken.remove(previous, user);
            backplane.tokenRetired(previous);
        }
        user.resumeToken(token);
        usersByResumeToken.put(token, user);
        return token;
    }

    /** The user is gone: its token stops working. */
    private void retireToken(ChatUser user) {
        droppedUsers.remove(user);
        if (user.resumeToken() != null) {
            usersByResumeToken.remove(user.resumeToken(), user);
        }
    }

    @Override
    public Room room(String roomKey) {
        return here.roomsByKey.get(roomKey);
    }

    @Override
    public Iterable<ChatUser> users() {
        return here.users;
    }

    @Override
    public void deliverWhisper(String nickKey, EncodedEvent frame) {
        ChatUser recipient = here.usersByNickKey.get(nickKey);
        if (recipient != null) {
            synchronized (recipient) {
                recipient.deliverWhisper(frame, clock.millis(), limits.recentWhispers());
            }
        }
    }

    @Override
    public void tell(String nickKey, EncodedEvent frame) {
        ChatUser user = here.usersByNickKey.get(nickKey);
        if (user != null) {
            synchronized (user) {
                if (!user.isDropped()) {
                    user.peer().send(frame);
                }
            }
        }
    }

    @Override
    public void sendToRooms(List<String> roomKeys, EncodedEvent frame) {
        Set<Peer> audience = new LinkedHashSet<>();
        for (String key : roomKeys) {
            Room room = here.roomsByKey.get(key);
            if (room != null) {
                synchronized (room) {
                    room.members().stream().filter(room::isListening).forEach(member -> audience.add(member.peer()));
                }
            }
        }
        audience.forEach(peer -> peer.send(frame));
    }

    @Override
    public void remove(String nickKey, String reason) {
        ChatUser user = here.usersByNickKey.get(nickKey);
        if (user == null) {
            return;
        }
        Peer peer;
        synchronized (user) {
            peer = user.peer();
            forget(user);
        }
        peer.close(CloseCodes.REMOVED, Administration.closeReason(reason));
    }

    @Override
    public void notice(String roomKey, EncodedEvent frame) {
        if (roomKey == null) {
            for (ChatUser user : here.users) {
                synchronized (user) {
                    if (!user.isDropped() && !user.isGone()) {
                        user.peer().send(frame);
                    }
                }
            }
            return;
        }
        Room room = here.roomsByKey.get(roomKey);
        if (room != null) {
            synchronized (room) {
                room.sendToListening(frame, null);
            }
        }
    }

    @Override
    public void memberSwept(String roomKey, String nick) {
        Room room = here.roomsByKey.get(roomKey);
        String nickKey = Names.key(nick);
        if (room == null) {
            return;
        }
        synchronized (room) {
            if (room.control().roleOf(nickKey) == null) {
                return;
            }
        }
        backplane.longestMember(room, null).thenAccept(longest -> {
            if (longest == null) {
                return;
            }
            synchronized (room) {
                if (!room.isClosed() && room.member(Names.key(longest)) != null) {
                    here.dropRole(room, nickKey);
                }
            }
        });
    }

    @Override
    public void evict(String roomKey, String nickKey) {
        Room room = here.roomsByKey.get(roomKey);
        ChatUser user = here.usersByNickKey.get(nickKey);
        if (room == null || user == null) {
            return;
        }
        synchronized (user) {
            synchronized (room) {
                if (room.members().contains(user)) {
                    here.evict(room, user);
                }
            }
        }
    }

    @Override
    public void letGo(ChatUser user) {
        Peer previous;
        synchronized (user) {
            if (user.isGone()) {
                return;
            }
            previous = user.peer();
            user.markGone();
            for (Room room : List.copyOf(user.rooms())) {
                synchronized (room) {
                    here.removeMember(room, user, false);
                }
            }
            here.usersByNickKey.remove(user.nickKey(), user);
            here.users.remove(user);
            retireToken(user);
        }
        previous.close(CloseCodes.REPLACED, "resumed on another server");
    }
}
