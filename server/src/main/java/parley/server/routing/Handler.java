package parley.server.routing;

import parley.protocol.ClientEvent;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;

/** Carries out one kind of client request for the user who sent it. Called on that user's connection thread. */
@FunctionalInterface
public interface Handler<E extends ClientEvent> {
    Outcome handle(ChatUser user, E event);
}
