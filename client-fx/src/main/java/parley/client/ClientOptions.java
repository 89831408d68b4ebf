package parley.client;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The client's command line. With --host, --port or --nick the window connects at once. */
@Command(name = "parley-client", mixinStandardHelpOptions = true, version = "Parley client 1.0, protocol v1",
        description = "Opens a Parley chat window.", sortOptions = false)
final class ClientOptions {
    @Option(names = "--host", paramLabel = "HOST", description = "Server host (default: the last one used, else localhost).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Server port (default: the last one used, else 8025).")
    Integer port;

    @Option(names = "--nick", paramLabel = "NICK", description = "Nickname to claim (default: the last one used).")
    String nick;

    @Option(names = "--room", paramLabel = "ROOM", defaultValue = "lobby",
            description = "Room to join on connect (default: ${DEFAULT-VALUE}; empty for none).")
    String room;

    boolean connectAtOnce() {
        return host != null || port != null || nick != null;
    }

    /** Parses the arguments, or returns null after printing help, version or an error. */
    static ClientOptions parse(String[] args) {
        var options = new ClientOptions();
        var commandLine = new CommandLine(options);
        try {
            var parsed = commandLine.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return null;
            }
        } catch (CommandLine.ParameterException e) {
            commandLine.getErr().println("parley-client: " + e.getMessage());
            commandLine.usage(commandLine.getErr());
            return null;
        }
        if (options.port != null && (options.port < 1 || options.port > 65_535)) {
            commandLine.getErr().println("parley-client: --port must be 1-65535");
            return null;
        }
        return options;
    }
}
