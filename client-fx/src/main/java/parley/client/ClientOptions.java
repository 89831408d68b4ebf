package parley.client;

import parley.client.connection.ServerTrust;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.net.ssl.KeyManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

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

    @Option(names = "--secure", negatable = true,
            description = "Connect with TLS, wss:// (default: as last time). A wss://HOST:PORT URL as --host does it too.")
    Boolean secure;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "Also trust the CA or server certificates in this PEM file, besides the system's.")
    Path trustFile;

    @Option(names = "--client-cert", paramLabel = "FILE",
            description = "Present this PKCS#12 client certificate to servers that ask; its password comes from $PARLEY_CLIENT_CERT_PASSWORD.")
    Path clientCertificate;

    boolean connectAtOnce() {
        return host != null || port != null || nick != null;
    }

    /** Trust as these options say: the system's CAs, the trust file, the user's pins, the client certificate. */
    ServerTrust serverTrust(ServerTrust.Pins pins) throws IOException, GeneralSecurityException {
        List<X509Certificate> trusted = List.of();
        if (trustFile != null) {
            try {
                trusted = ServerTrust.readTrustFile(trustFile);
            } catch (IOException | GeneralSecurityException e) {
                throw new IOException("cannot read the trust file " + trustFile + ": " + e.getMessage(), e);
            }
        }
        KeyManager[] keys = null;
        if (clientCertificate != null) {
            String password = System.getenv("PARLEY_CLIENT_CERT_PASSWORD");
            try {
                keys = ServerTrust.readClientCertificate(clientCertificate, password == null ? new char[0] : password.toCharArray());
            } catch (IOException | GeneralSecurityException e) {
                throw new IOException("cannot read the client certificate " + clientCertificate
                        + " (is PARLEY_CLIENT_CERT_PASSWORD right?): " + e.getMessage(), e);
            }
        }
        return new ServerTrust(pins, trusted, keys);
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
