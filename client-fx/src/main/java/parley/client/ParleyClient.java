package parley.client;

import javafx.application.Application;

/**
 * Entry point of the client jar. A class apart from the {@link javafx.application.Application} so that the
 * shaded jar starts without the JavaFX module path ("JavaFX runtime components are missing" otherwise).
 */
public final class ParleyClient {
    private ParleyClient() {
    }

    public static void main(String[] args) {
        if (ClientOptions.parse(args) == null) {
            System.exit(args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")
                    || args[0].equals("--version") || args[0].equals("-V")) ? 0 : 2);
        }
        Application.launch(ParleyClientApp.class, args);
    }
}
