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
        add("join", "/join ROOM", "join a room (and open it)",
                args -> args.isEmpty() || args.contains(" ") ? usage("join") : new Command.Join(args));
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
        add("clear", "/clear", "clear the open conversation's window (the log on disk stays)", args -> new Command.Clear());
        add("help", "/help [COMMAND]", "list the commands, or explain one",
                args -> new Command.Help(args.isEmpty() ? null : stripSlash(args).toLowerCase(Locale.ROOT)));
        add("quit", "/quit", "disconnect and close the window", args -> new Command.Quit());
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
        if (entry.name().equals("msg")) {
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
