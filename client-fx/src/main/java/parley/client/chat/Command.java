package parley.client.chat;

/** What one line of input asks for: a message to send, or a command of the slash-command table. */
public sealed interface Command {
    /** Text for the open conversation ({@code //text} arrives here as {@code /text}). */
    record Say(String text) implements Command { }

    /** Joins a room; {@code key} (or null) opens a room that has one. */
    record Join(String room, String key) implements Command {
        public Join(String room) {
            this(room, null);
        }
    }

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

    /** {@code /me}: an action in the open conversation. */
    record Me(String text) implements Command { }

    /** Sets the open room's topic, or shows it when {@code text} is null. */
    record Topic(String text) implements Command { }

    /** Away with a message; {@code /back} is an Away with null. */
    record Away(String message) implements Command { }

    record Whois(String nick) implements Command { }

    /** Gives a member of the open room a role: "op", "voice" or "none". */
    record Role(String nick, String role) implements Command { }

    record Kick(String nick, String reason) implements Command { }

    record Ban(String nick, String reason) implements Command { }

    record Unban(String nick) implements Command { }

    record Bans() implements Command { }

    /** Changes modes of the open room; null leaves a mode as it is, key "" removes the key. */
    record Mode(Boolean topicLocked, Boolean moderated, Boolean inviteOnly, String key) implements Command { }

    record Invite(String nick) implements Command { }

    /** A line the table cannot read; {@code message} says why, for a local error line. */
    record Invalid(String message) implements Command { }
}
