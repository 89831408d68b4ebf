package parley.server.routing;

import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.Chat;
import parley.server.chat.Outcome;
import parley.server.metrics.Metrics;

import java.util.concurrent.CompletableFuture;

/** Builds the router that maps each client request of protocol v1 onto the chat: the one list of requests. */
public final class ChatHandlers {
    private ChatHandlers() {
    }

    public static EventRouter router(Chat chat, EventCodec codec) {
        return router(chat, codec, Metrics.off());
    }

    /** The router, counting requests, refusals, messages and how long requests take. */
    public static EventRouter router(Chat chat, EventCodec codec, Metrics metrics) {
        return new EventRouter(codec, metrics)
                .on(ClientEvent.Nick.class, (user, nick) -> chat.rename(user, nick.nick()))
                .on(ClientEvent.Join.class, (user, join) -> chat.join(user, join.room(), join.since(), join.key()))
                .on(ClientEvent.Leave.class, (user, leave) -> chat.leave(user, leave.room()))
                .on(ClientEvent.Say.class, (user, say) -> chat.say(user, say.room(), say.text(), say.kind()))
                .on(ClientEvent.Whisper.class, (user, whisper) -> chat.whisper(user, whisper.to(), whisper.text(), whisper.kind()))
                .on(ClientEvent.Topic.class, (user, topic) -> chat.topic(user, topic.room(), topic.topic()))
                .on(ClientEvent.Away.class, (user, away) -> chat.away(user, away.message()))
                .on(ClientEvent.Whois.class, (user, whois) -> chat.whois(user, whois.nick()))
                .on(ClientEvent.Role.class, (user, role) -> chat.role(user, role.room(), role.nick(), role.role()))
                .on(ClientEvent.Kick.class, (user, kick) -> chat.kick(user, kick.room(), kick.nick(), kick.reason()))
                .on(ClientEvent.Ban.class, (user, ban) -> chat.ban(user, ban.room(), ban.nick(), ban.reason()))
                .on(ClientEvent.Unban.class, (user, unban) -> chat.unban(user, unban.room(), unban.nick()))
                .on(ClientEvent.Bans.class, (user, bans) -> chat.bans(user, bans.room()))
                .on(ClientEvent.Mode.class, (user, mode) -> chat.mode(user, mode.room(), mode.topicLocked(),
                        mode.moderated(), mode.inviteOnly(), mode.key()))
                .on(ClientEvent.Invite.class, (user, invite) -> chat.invite(user, invite.room(), invite.nick()))
                // The password was given before the connection became a user; a second "auth" changes nothing.
                .on(ClientEvent.Auth.class, (user, auth) -> CompletableFuture.completedFuture(Outcome.done()))
                .on(ClientEvent.Rooms.class, (user, rooms) -> chat.rooms().thenApply(list -> {
                    user.peer().send(codec.encode(new ServerEvent.RoomList(list)));
                    return Outcome.done();
                }));
    }
}
