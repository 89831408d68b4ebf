package parley.server.chat;

import parley.protocol.ErrorReason;
import parley.protocol.ServerEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The requests that run a room: topic, roles, kick, ban, modes and invitations. Each is checked against the
 * room's {@link RoomControl} as this server holds it, carried out under the room's monitor (its members see the
 * event in order with the room's messages) and shared through the backplane. Lock order as in {@link ChatService}:
 * user, then room.
 */
final class Moderation {
    static final Duration INVITATION_LIFETIME = Duration.ofMinutes(10);

    private final Directory here;

    Moderation(Directory here) {
        this.here = here;
    }

    CompletionStage<Outcome> topic(ChatUser user, String requestedRoom, String topic) {
        Outcome badTopic = topic.isEmpty() ? null : ChatRules.checkLine(topic, "a topic");
        if (badTopic != null) {
            return done(badTopic);
        }
        return inRoom(user, requestedRoom, false, room -> {
            String nickKey = user.nickKey();
            if (room.control().topicLocked() && !room.control().isOperator(nickKey)) {
                return done(Outcome.refused(ErrorReason.NOT_OPERATOR,
                        "the topic of " + room.name() + " is locked: only operators may change it"));
            }
            long now = here.clock.millis();
            ServerEvent.TopicInfo info = topic.isEmpty() ? null : new ServerEvent.TopicInfo(topic, user.nick(), now);
            return change(room, control -> control.withTopic(info), null,
                    new ServerEvent.TopicChanged(room.name(), topic, user.nick(), now));
        });
    }

    CompletionStage<Outcome> role(ChatUser user, String requestedRoom, String nick, String role) {
        if (!ServerEvent.OPERATOR.equals(role) && !ServerEvent.VOICE.equals(role) && !ServerEvent.NO_ROLE.equals(role)) {
            return done(Outcome.refused(ErrorReason.BAD_FIELD, "\"role\" must be \"op\", \"voice\" or \"none\""));
        }
        return inRoom(user, requestedRoom, true, room -> member(room, nick).thenApply(member -> {
            if (member == null) {
                return ChatRules.notMember(nick, room.name());
            }
            String nickKey = Names.key(member);
            synchronized (room) {
                here.changeControl(room, control -> control.withRole(nickKey, role),
                        List.of(encode(new ServerEvent.RoleChanged(room.name(), member, role, user.nick()))), null);
            }
            return Outcome.done();
        }));
    }

    CompletionStage<Outcome> kick(ChatUser user, String requestedRoom, String nick, String reason) {
        Outcome badReason = ChatRules.checkReason(reason);
        if (badReason != null) {
            return done(badReason);
        }
        String because = reason == null || reason.isEmpty() ? null : reason;
        return inRoom(user, requestedRoom, true, room -> member(room, nick).thenApply(member -> {
            if (member == null) {
                return ChatRules.notMember(nick, room.name());
            }
            if (Names.key(member).equals(user.nickKey())) {
                return ChatRules.notYourself("kick");
            }
            put(room, member, List.of(new ServerEvent.Kicked(room.name(), member, user.nick(), because)), control -> control);
            return Outcome.done();
        }));
    }

    CompletionStage<Outcome> ban(ChatUser user, String requestedRoom, String requestedNick, String reason) {
        Outcome badReason = ChatRules.checkReason(reason);
        String nick = Names.normalize(requestedNick);
        if (badReason == null) {
            String problem = Names.problemWith(nick, Names.MAX_NICK_LENGTH, "a nickname");
            badReason = problem == null ? null : Outcome.refused(ErrorReason.INVALID_NICK, problem);
        }
        if (badReason != null) {
            return done(badReason);
        }
        String because = reason == null || reason.isEmpty() ? null : reason;
        String nickKey = Names.key(nick);
        if (nickKey.equals(user.nickKey())) {
            return done(ChatRules.notYourself("ban"));
        }
        return inRoom(user, requestedRoom, true, room -> addressOf(nickKey).thenCombine(member(room, nick),
                (holder, member) -> {
                    String shown = member != null ? member : holder.nick() != null ? holder.nick() : nick;
                    var ban = new RoomControl.Ban(nickKey, shown, user.nick(), here.clock.millis(), because, holder.address());
                    List<ServerEvent> events = new ArrayList<>();
                    events.add(new ServerEvent.Banned(room.name(), shown, user.nick(), because));
                    if (member != null) {
                        events.add(new ServerEvent.Kicked(room.name(), member, user.nick(), because));
                        put(room, member, events, control -> control.withBan(ban));
                    } else {
                        synchronized (room) {
                            here.changeControl(room, control -> control.withBan(ban), encode(events), null);
                        }
                    }
                    return Outcome.done();
                }));
    }

    CompletionStage<Outcome> unban(ChatUser user, String requestedRoom, String nick) {
        String nickKey = Names.key(Names.normalize(nick));
        return inRoom(user, requestedRoom, true, room -> {
            RoomControl.Ban ban = room.control().banOf(nickKey, null);
            if (ban == null) {
                return done(Outcome.refused(ErrorReason.NO_SUCH_USER, nick + " is not banned from " + room.name()));
            }
            return change(room, control -> control.withoutBan(nickKey), null,
                    new ServerEvent.Unbanned(room.name(), ban.nick(), user.nick()));
        });
    }

    CompletionStage<Outcome> bans(ChatUser user, String requestedRoom) {
        return inRoom(user, requestedRoom, false, room -> {
            List<ServerEvent.BanInfo> bans = room.control().bans().stream()
                    .map(ban -> new ServerEvent.BanInfo(ban.nick(), ban.by(), ban.ts(), ban.reason())).toList();
            user.peer().send(encode(new ServerEvent.BanList(room.name(), bans)));
            return done(Outcome.done());
        });
    }

    CompletionStage<Outcome> mode(ChatUser user, String requestedRoom, Boolean topicLocked, Boolean moderated,
                                  Boolean inviteOnly, String key) {
        Outcome badKey = key == null || key.isEmpty() ? null : ChatRules.checkKey(key);
        if (badKey != null) {
            return done(badKey);
        }
        return inRoom(user, requestedRoom, true, room -> {
            RoomControl.Change change = control -> control.withModes(topicLocked, moderated, inviteOnly, key);
            ServerEvent.Modes modes = change.apply(room.control()).modes();
            return change(room, change, null, new ServerEvent.ModeChanged(room.name(), modes, user.nick()));
        });
    }

    CompletionStage<Outcome> invite(ChatUser user, String requestedRoom, String nick) {
        String nickKey = Names.key(Names.normalize(nick));
        return inRoom(user, requestedRoom, false, room -> {
            if (room.control().inviteOnly() && !room.control().isOperator(user.nickKey())) {
                return done(ChatRules.notOperator(room.name()));
            }
            EncodedEvent invited = encode(new ServerEvent.Invited(room.name(), user.nick()));
            long now = here.clock.millis();
            long until = now + INVITATION_LIFETIME.toMillis();
            ChatUser local = here.usersByNickKey.get(nickKey);
            CompletionStage<Boolean> known = local != null ? CompletableFuture.completedFuture(true)
                    : here.backplane.nickElsewhere(nickKey).thenApply(holder -> holder != null);
            return known.thenCompose(found -> {
                if (!found) {
                    return done(ChatRules.noSuchUser(nick));
                }
                CompletionStage<Void> shared;
                synchronized (room) {
                    shared = here.changeControl(room, control -> control.withInvitation(nickKey, until, now), List.of(), null);
                }
                // The invitation is told once every server knows it: the invited may join anywhere at once.
                return shared.thenCompose(ignored -> {
                    if (local != null) {
                        local.peer().send(invited);
                        return done(Outcome.done());
                    }
                    return here.backplane.tell(nickKey, invited).thenApply(sent -> Outcome.done());
                });
            });
        });
    }

    // ---- helpers ----

    /**
     * Runs {@code action} on the room when the user is a member of it (and, with {@code operatorOnly}, one of its
     * operators); else the refusal.
     */
    private CompletionStage<Outcome> inRoom(ChatUser user, String requestedRoom, boolean operatorOnly,
                                            Function<Room, CompletionStage<Outcome>> action) {
        String name = Names.normalize(requestedRoom);
        Outcome invalidName = ChatRules.checkRoomName(name);
        if (invalidName != null) {
            return done(invalidName);
        }
        return here.asMember(user, name, room -> operatorOnly && !room.control().isOperator(user.nickKey())
                ? ChatRules.notOperator(room.name()) : null, action);
    }

    /** How the member of the room with this nickname spells it, here or elsewhere; null when nobody is. */
    private CompletionStage<String> member(Room room, String nick) {
        String nickKey = Names.key(Names.normalize(nick));
        synchronized (room) {
            ChatUser member = room.member(nickKey);
            if (member != null) {
                return CompletableFuture.completedFuture(member.nick());
            }
        }
        return here.backplane.memberElsewhere(room.key(), nickKey).exceptionally(failure -> null);
    }

    /** Who holds a nickname now, and from which address: both null when nobody does. */
    private record Holder(String nick, String address) {
    }

    private CompletionStage<Holder> addressOf(String nickKey) {
        ChatUser local = here.usersByNickKey.get(nickKey);
        if (local != null) {
            return CompletableFuture.completedFuture(new Holder(local.nick(), local.peer().address()));
        }
        return here.backplane.profileElsewhere(nickKey).handle((profile, failure) ->
                profile == null ? new Holder(null, null) : new Holder(profile.nick(), profile.address()));
    }

    /** Applies a change, tells every member, and answers done. */
    private CompletionStage<Outcome> change(Room room, RoomControl.Change change, String evictNickKey, ServerEvent event) {
        synchronized (room) {
            here.changeControl(room, change, List.of(encode(event)), evictNickKey);
        }
        return done(Outcome.done());
    }

    /**
     * Puts a member out of the room: everyone (the member included) gets the events, then the member leaves
     * without a presence event, here or on the server that holds them.
     */
    private void put(Room room, String memberNick, List<ServerEvent> events, RoomControl.Change change) {
        String nickKey = Names.key(memberNick);
        ChatUser member;
        synchronized (room) {
            member = room.member(nickKey);
            here.changeControl(room, change, encode(events), member == null ? nickKey : null);
        }
        if (member != null) {
            synchronized (member) {
                synchronized (room) {
                    if (room.members().contains(member)) {
                        here.evict(room, member);
                    }
                }
            }
        }
    }

    private List<EncodedEvent> encode(List<ServerEvent> events) {
        return events.stream().map(this::encode).toList();
    }

    private EncodedEvent encode(ServerEvent event) {
        return new EncodedEvent(here.codec.encode(event));
    }

    private static CompletionStage<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
