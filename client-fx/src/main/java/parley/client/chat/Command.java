package parley.client.chat;

/** What one line of input asks for: a message to send, or a command of the slash-command table. */
public sealed interface Command {
    /** Text for the open conversation ({@code //text} arrives here as {@code /text}). */
    record Say(String text) implements Command { }

    record Join(String room) implements Command { }

    /** Leaves {@code room}, or the open room when null. */
    record Part(String room) implements Command { }

    record Msg(String nick, String text) implements Command { }

    record Query(String nick) implements Command { }

    record Nick(String nick) implements Command { }

    record ListRooms() implements Command { }

    record Clear() implements Command { }

    /** Help on one command, or on all when null. */
    record Help(String command) implements Command { }

    record Quit() implements Command { }

    /** A line the table cannot read; {@code message} says why, for a local error line. */
    record Invalid(String message) implements Command { }
}
