package parley.client.viewmodel;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/** The Connect dialog's servers, kept in a store: at most one of them connects when the window opens. */
public final class SavedServers {
    private final ObservableList<SavedServer> servers = FXCollections.observableArrayList();
    private SavedServer.Store store;

    /** Keeps the servers in this store, starting with what it holds. */
    public void setStore(SavedServer.Store newStore) {
        this.store = newStore;
        servers.setAll(newStore.loadServers());
    }

    /** Adds the server to the list, replacing one of the same name; at most one connects at start. */
    public void save(SavedServer server) {
        List<SavedServer> updated = new ArrayList<>();
        boolean replaced = false;
        for (SavedServer kept : servers) {
            if (kept.name().equals(server.name())) {
                updated.add(server);
                replaced = true;
            } else {
                updated.add(server.connectAtStart() && kept.connectAtStart()
                        ? new SavedServer(kept.name(), kept.host(), kept.port(), kept.secure(), kept.nick(), kept.rooms(),
                        kept.clientCertificate(), false) : kept);
            }
        }
        if (!replaced) {
            updated.add(server);
        }
        servers.setAll(updated);
        keep();
    }

    public void forget(SavedServer server) {
        servers.remove(server);
        keep();
    }

    /** The server marked to connect when the window opens, or null. */
    public SavedServer forStart() {
        return servers.stream().filter(SavedServer::connectAtStart).findFirst().orElse(null);
    }

    public ObservableList<SavedServer> list() {
        return servers;
    }

    private void keep() {
        if (store != null) {
            store.saveServers(List.copyOf(servers));
        }
    }
}
