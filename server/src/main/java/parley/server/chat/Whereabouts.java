package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** Away messages and {@code whois}: what people can learn of each other beyond the rooms they share. */
final class Whereabouts {
    private final Directory here;

    Whereabouts(Directory here) {
        this.here = here;
    }

    /** Marks the user away with a message, or back with null or ""; they and everyone sharing a room hear of it. */
    CompletionStage<Outcome> away(ChatUser user, String message) {
        String away = message == null || message.isEmpty() ? null : message;
        if (away != null) {
            Outcome badMessage = ChatRules.checkLine(away, "an away message");
            if (badMessage != null) {
                return CompletableFuture.completedFuture(badMessage);
            }
        }
        List<String> roomKeys = new ArrayList<>();
        Set<Peer> audience;
        EncodedEvent event;
        synchronized (user) {
            if (user.isGone()) {
                return CompletableFuture.completedFuture(Outcome.done());
            }
            user.away(away);
            event = new EncodedEvent(here.codec.encode(new ServerEvent.AwayChanged(user.nick(), away)));
            audience = here.audienceOf(user, roomKeys);
        }
        audience.forEach(peer -> peer.send(event));
        here.backplane.awayChanged(user, roomKeys, event);
        return CompletableFuture.completedFuture(Outcome.done());
    }

    /**
     * Answers the asker with what can be told of a user: rooms (invite-only ones only when the asker is in them
     * too), away message, idle time, when they connected and whether over TLS.
     */
    CompletionStage<Outcome> whois(ChatUser asker, String requestedNick) {
        String nickKey = Names.key(Names.normalize(requestedNick));
        ChatUser target = here.usersByNickKey.get(nickKey);
        long now = here.clock.millis();
        if (target != null) {
            List<String> rooms = new ArrayList<>();
            for (Room room : target.rooms()) {
                synchronized (room) {
                    if (!room.control().inviteOnly() || room.members().contains(asker)) {
                        rooms.add(room.name());
                    }
                }
            }
            rooms.sort(String.CASE_INSENSITIVE_ORDER);
            reply(asker, new ServerEvent.WhoisReply(target.nick(), rooms, target.away(),
                    idleSeconds(now, target.activeAt()), target.connectedAt(), target.peer().secure()));
            return CompletableFuture.completedFuture(Outcome.done());
        }
        CompletionStage<String> holder = here.backplane.nickElsewhere(nickKey).exceptionally(failure -> null);
        return here.backplane.profileElsewhere(nickKey).exceptionally(failure -> null).thenCombine(holder, (profile, nick) -> {
            if (profile == null || nick == null) {
                return ChatRules.noSuchUser(requestedNick);
            }
            Set<String> askersRooms = asker.rooms().stream().map(Room::key).collect(Collectors.toSet());
            List<String> rooms = profile.rooms().stream()
                    .filter(room -> !profile.hiddenRooms().contains(room) || askersRooms.contains(Names.key(room)))
                    .sorted(String.CASE_INSENSITIVE_ORDER).toList();
            reply(asker, new ServerEvent.WhoisReply(profile.nick(), rooms, profile.away(),
                    idleSeconds(now, profile.activeAt()), profile.connectedAt(), profile.secure()));
            return Outcome.done();
        });
    }

    private void reply(ChatUser asker, ServerEvent.WhoisReply reply) {
        asker.peer().send(here.codec.encode(reply));
    }

    private static long idleSeconds(long now, long activeAt) {
        return Math.max(0, (now - activeAt) / 1000);
    }
}
