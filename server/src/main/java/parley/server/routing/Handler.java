package parley.server.routing;

import parley.protocol.ClientEvent;
import parley.server.chat.ChatUser;
import parley.server.chat.Outcome;

import java.util.concurrent.CompletionStage;

/**
 * Carries out one kind of client request for the user who sent it. It must not block: a request that waits for
 * something (another server) returns a stage that completes when it is done.
 */
@FunctionalInterface
public interface Handler<E extends ClientEvent> {
    CompletionStage<Outcome> handle(ChatUser user, E event);
}
