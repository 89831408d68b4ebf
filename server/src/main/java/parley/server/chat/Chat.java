package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.List;

/**
 * The chat: who is connected under which nickname, who is in which room, and delivery of room messages and
 * whispers. This is the one seam between the protocol handlers and where the chat's state lives: the
 * in-memory {@link LocalChat} today, a backend shared by several server processes tomorrow.
 * Methods are thread-safe; each client's own requests arrive one at a time.
 */
public interface Chat {

    /** Registers a new connection under a fresh guest nickname and sends it {@code welcome}. */
    ChatUser connect(Peer peer);

    /** Removes a connection: it leaves all its rooms (others see it leave) and its nickname is free. */
    void disconnect(ChatUser user);

    Outcome rename(ChatUser user, String nick);

    Outcome join(ChatUser user, String room);

    Outcome leave(ChatUser user, String room);

    Outcome say(ChatUser user, String room, String text);

    Outcome whisper(ChatUser user, String to, String text);

    /** The rooms that have members, sorted by name. */
    List<ServerEvent.RoomInfo> rooms();

    /** Every connected user, for a server that is shutting down. */
    List<ChatUser> users();
}
