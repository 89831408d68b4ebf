package parley.client.viewmodel;

import java.util.List;

/**
 * A server kept in the Connect dialog's list.
 *
 * @param rooms             rooms to join once connected (none: the server's room list is shown)
 * @param clientCertificate a PKCS#12 file to present to servers that ask, or empty
 * @param connectAtStart    whether the window connects to it when it opens (one server at most)
 */
public record SavedServer(String name, String host, int port, boolean secure, String nick, List<String> rooms,
                          String clientCertificate, boolean connectAtStart) {
    public SavedServer {
        rooms = List.copyOf(rooms);
    }

    /** Where saved servers are kept; implementations return an empty list for missing or damaged data. */
    public interface Store {
        List<SavedServer> loadServers();

        void saveServers(List<SavedServer> servers);
    }

    @Override
    public String toString() {
        return name.isBlank() ? host + ":" + port : name;
    }
}
