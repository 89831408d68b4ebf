package parley.client.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a line of input as a slash command or as text to send. The commands live in one table, with their
 * usage and help, so that help, completion and later server features share it.
 */
public final class CommandParser {
    /** One entry of the table. */
    public record Entry(String name, String usage, String help, Function<String, Command> parse) { }

    private final Map<String, Entry> table = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    public CommandParser() {
        add("join", "/join ROOM [KEY]", "join a room (and open it); the key opens a room that has one",
                args -> {
                    String[] words = words(args);
                    return words.length == 0 || words.length > 2 ? usage("join")
                            : new Command.Join(words[0], words.length == 2 ? words[1] : null);
                });
        add("part", "/part [ROOM]", "leave a room, the open one when none is named (also /leave)",
                args -> args.contains(" ") ? usage("part") : new Command.Part(args.isEmpty() ? null : args));
        aliases.put("leave", "part");
        add("msg", "/msg NICK TEXT", "whisper to someone without leaving this conversation", args -> {
            int space = args.indexOf(' ');
            if (space <= 0 || args.substring(space + 1).isBlank()) {
                return usage("msg");
            }
            return new Command.Msg(args.substring(0, space), args.substring(space + 1));
        });
        add("query", "/query NICK", "open the private conversation with someone",
                args -> args.isEmpty() || args.contains(" ") ? usage("query") : new Command.Query(args));
        add("nick", "/nick NEW", "change your nickname",
                args -> args.isEmpty() || args.contains(" ") ? usage("nick") : new Command.Nick(args));
        add("list", "/list", "list the rooms on the server", args -> new Command.ListRooms());
        add("me", "/me TEXT", "an action: /me waves shows \"* you waves\"",
                args -> args.isBlank() ? usage("me") : new Command.Me(args));
        add("topic", "/topic [TEXT]", "set the open room's topic, or show it",
                args -> new Command.Topic(args.isEmpty() ? null : args));
        add("away", "/away [MESSAGE]", "tell people you are away (whispers still arrive)",
                args -> new Command.Away(args.isEmpty() ? DEFAULT_AWAY : args));
        add("back", "/back", "you are back", args -> args.isEmpty() ? new Command.Away(null) : usage("back"));
        add("whois", "/whois NICK", "who someone is: rooms, away, idle time",
                args -> oneWord(args) ? new Command.Whois(args) : usage("whois"));
        add("op", "/op NICK", "make a member an operator of the open room",
                args -> oneWord(args) ? new Command.Role(args, "op") : usage("op"));
        add("deop", "/deop NICK", "take a member's operator role", args -> oneWord(args) ? new Command.Role(args, "none") : usage("deop"));
        add("voice", "/voice NICK", "let a member speak in a moderated room",
                args -> oneWord(args) ? new Command.Role(args, "voice") : usage("voice"));
        add("devoice", "/devoice NICK", "take a member's voice", args -> oneWord(args) ? new Command.Role(args, "none") : usage("devoice"));
        add("kick", "/kick NICK [REASON]", "put a member out of the open room (they may come back)", args -> {
            String[] parts = args.split(" ", 2);
            return args.isEmpty() ? usage("kick") : new Command.Kick(parts[0], parts.length == 2 ? parts[1].strip() : null);
        });
        add("ban", "/ban NICK [REASON]", "keep a nickname, and the address it uses, out of the open room", args -> {
            String[] parts = args.split(" ", 2);
            return args.isEmpty() ? usage("ban") : new Command.Ban(parts[0], parts.length == 2 ? parts[1].strip() : null);
        });
        add("unban", "/unban NICK", "lift a ban", args -> oneWord(args) ? new Command.Unban(args) : usage("unban"));
        add("bans", "/bans", "list the open room's bans", args -> args.isEmpty() ? new Command.Bans() : usage("bans"));
        add("mode", "/mode +m|-m|+i|-i|+t|-t|+k KEY|-k",
                "moderated (only operators and voiced speak), invite-only, topic locked to operators, key", this::mode);
        add("invite", "/invite NICK", "invite someone into the open room", args -> oneWord(args) ? new Command.Invite(args) : usage("invite"));
        add("clear", "/clear", "clear the open conversation's window (the log on disk stays)", args -> new Command.Clear());
        add("help", "/help [COMMAND]", "list the commands, or explain one",
                args -> new Command.Help(args.isEmpty() ? null : stripSlash(args).toLowerCase(Locale.ROOT)));
        add("quit", "/quit", "disconnect and close the window", args -> new Command.Quit());
    }

    /** The message of {@code /away} without one. */
    public static final String DEFAULT_AWAY = "away";

    /** Reads mode changes: +m -m +i -i +t -t +k KEY -k, several at once. */
    private Command mode(String args) {
        Boolean topicLocked = null;
        Boolean moderated = null;
        Boolean inviteOnly = null;
        String key = null;
        String[] words = words(args);
        if (words.length == 0) {
            return usage("mode");
        }
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            if (word.length() != 2 || (word.charAt(0) != '+' && word.charAt(0) != '-')) {
                return usage("mode");
            }
            boolean on = word.charAt(0) == '+';
            switch (word.charAt(1)) {
                case 'm' -> moderated = on;
                case 'i' -> inviteOnly = on;
                case 't' -> topicLocked = on;
                case 'k' -> {
                    if (on && i + 1 >= words.length) {
                        return usage("mode");
                    }
                    key = on ? words[++i] : "";
                }
                default -> {
                    return usage("mode");
                }
            }
        }
        return new Command.Mode(topicLocked, moderated, inviteOnly, key);
    }

    private static String[] words(String args) {
        return args.isBlank() ? new String[0] : args.strip().split("\\s+");
    }

    private static boolean oneWord(String args) {
        return !args.isEmpty() && !args.contains(" ");
    }

    private void add(String name, String usage, String help, Function<String, Command> parse) {
        table.put(name, new Entry(name, usage, help, parse));
    }

    private Command usage(String name) {
        return new Command.Invalid("usage: " + table.get(name).usage());
    }

    /** Reads one line; text that does not start with a slash is text to send, exactly as typed. */
    public Command parse(String line) {
        if (!line.startsWith("/")) {
            return new Command.Say(line);
        }
        if (line.startsWith("//")) {
            return new Command.Say(line.substring(1));
        }
        String body = line.substring(1).strip();
        int space = body.indexOf(' ');
        String name = (space < 0 ? body : body.substring(0, space)).toLowerCase(Locale.ROOT);
        String args = space < 0 ? "" : body.substring(space + 1).strip();
        Entry entry = find(name);
        if (entry == null) {
            return new Command.Invalid(name.isEmpty()
                    ? "a command name must follow /; /help lists them (// sends a line starting with /)"
                    : "unknown command /" + name + "; /help lists the commands (// sends a line starting with /)");
        }
        // A message keeps its spacing and line breaks: only the command word and nick are taken apart.
        if (entry.name().equals("msg") || entry.name().equals("me")) {
            String rest = line.substring(line.indexOf(' ') < 0 ? line.length() : line.indexOf(' ') + 1).stripLeading();
            return entry.parse().apply(rest);
        }
        return entry.parse().apply(args);
    }

    /** The entry of a command or alias, or null. */
    public Entry find(String name) {
        String key = stripSlash(name).toLowerCase(Locale.ROOT);
        return table.get(aliases.getOrDefault(key, key));
    }

    /** Every command name and alias, sorted, for completion. */
    public List<String> names() {
        List<String> names = new ArrayList<>(table.keySet());
        names.addAll(aliases.keySet());
        Collections.sort(names);
        return names;
    }

    public List<Entry> entries() {
        return List.copyOf(table.values());
    }

    /** Lines of help: the whole table, or one command's usage and meaning. */
    public List<String> help(String command) {
        if (command == null) {
            List<String> lines = new ArrayList<>();
            lines.add("Commands (// sends a line that starts with /):");
            for (Entry entry : table.values()) {
                lines.add("  " + entry.usage() + " — " + entry.help());
            }
            return lines;
        }
        Entry entry = find(command);
        return entry == null
                ? List.of("unknown command /" + command + "; /help lists the commands")
                : List.of(entry.usage() + " — " + entry.help());
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }
}
