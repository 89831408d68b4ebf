package parley.server.routing;

import parley.protocol.ClientEvent;
import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;
import parley.server.chat.Chat;
import parley.server.chat.Outcome;

import java.util.concurrent.CompletableFuture;

/** Builds the router that maps each client request of protocol v1 onto the chat. */
public final class ChatHandlers {
    private ChatHandlers() {
    }

    public static EventRouter router(Chat chat, EventCodec codec) {
        return new EventRouter(codec)
                .on(ClientEvent.Nick.class, (user, nick) -> chat.rename(user, nick.nick()))
                .on(ClientEvent.Join.class, (user, join) -> chat.join(user, join.room(), join.since()))
                .on(ClientEvent.Leave.class, (user, leave) -> chat.leave(user, leave.room()))
                .on(ClientEvent.Say.class, (user, say) -> chat.say(user, say.room(), say.text()))
                .on(ClientEvent.Whisper.class, (user, whisper) -> chat.whisper(user, whisper.to(), whisper.text()))
                // The password was given before the connection became a user; a second "auth" changes nothing.
                .on(ClientEvent.Auth.class, (user, auth) -> CompletableFuture.completedFuture(Outcome.done()))
                .on(ClientEvent.Rooms.class, (user, rooms) -> chat.rooms().thenApply(list -> {
                    user.peer().send(codec.encode(new ServerEvent.RoomList(list)));
                    return Outcome.done();
                }));
    }
}
