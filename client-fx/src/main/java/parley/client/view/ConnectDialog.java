package parley.client.view;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.SavedServer;
import parley.client.viewmodel.SessionViewModel;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Server → Connect…: the saved servers on the left, the chosen one's details on the right (name, host, port,
 * TLS, nickname, rooms to join, client certificate, connect at start); Save keeps them, Connect uses them.
 */
final class ConnectDialog {
    static final ButtonType CONNECT = new ButtonType("Connect", ButtonBar.ButtonData.OK_DONE);
    private final ChatViewModel model;
    private final Node owner;
    private final TextField name = new TextField();
    private final TextField host = new TextField();
    private final TextField port = new TextField();
    private final CheckBox secure = new CheckBox("Secure (TLS)");
    private final TextField nick = new TextField();
    private final TextField rooms = new TextField();
    private final TextField certificate = new TextField();
    private final CheckBox atStart = new CheckBox("Connect to this server when Parley starts");
    private final Label problem = new Label();

    ConnectDialog(ChatViewModel model, Node owner) {
        this.model = model;
        this.owner = owner;
    }

    void show() {
        var list = new ListView<>(model.savedServers().list());
        list.setPrefSize(180, 260);
        list.setPlaceholder(new Label("No saved servers"));
        list.getSelectionModel().selectedItemProperty().addListener((observable, old, chosen) -> {
            if (chosen != null) {
                fill(chosen);
            }
        });
        fill(new SavedServer("", model.session().hostProperty().get(), SessionViewModel.parsePort(model.session().portProperty().get()),
                model.session().secureProperty().get(), model.nicknameProperty().get(), List.copyOf(model.roomsOnConnect()), "", false));
        name.setPromptText("a name for this server");
        rooms.setPromptText("lobby, help (comma separated)");
        certificate.setPromptText("PKCS#12 file, for servers that ask");
        var browse = new Button("Browse…");
        browse.setOnAction(event -> {
            var chooser = new FileChooser();
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PKCS#12 (*.p12, *.pfx)", "*.p12", "*.pfx"));
            File file = chooser.showOpenDialog(owner.getScene().getWindow());
            if (file != null) {
                certificate.setText(file.getPath());
            }
        });
        var save = new Button("Save");
        save.setOnAction(event -> {
            SavedServer server = read();
            if (server != null) {
                model.savedServers().save(server);
                list.getSelectionModel().select(server);
            }
        });
        var delete = new Button("Delete");
        delete.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        delete.setOnAction(event -> model.savedServers().forget(list.getSelectionModel().getSelectedItem()));

        var form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        int row = 0;
        form.addRow(row++, new Label("Name"), name);
        form.addRow(row++, new Label("Host"), host);
        form.addRow(row++, new Label("Port"), port);
        form.addRow(row++, new Label(""), secure);
        form.addRow(row++, new Label("Nickname"), nick);
        form.addRow(row++, new Label("Rooms"), rooms);
        var certificateRow = new HBox(6, certificate, browse);
        HBox.setHgrow(certificate, Priority.ALWAYS);
        form.addRow(row++, new Label("Certificate"), certificateRow);
        form.addRow(row++, new Label(""), atStart);
        form.addRow(row++, new Label(""), new HBox(6, save, delete));
        form.add(problem, 0, row, 2, 1);
        problem.getStyleClass().add("nick-error");
        GridPane.setHgrow(host, Priority.ALWAYS);

        var content = new HBox(12, list, form);
        content.setPadding(new Insets(8));
        var dialog = new Dialog<ButtonType>();
        dialog.setTitle("Connect to a server");
        dialog.initOwner(owner.getScene().getWindow());
        dialog.getDialogPane().setContent(content);
        dialog.getDialogPane().getButtonTypes().addAll(CONNECT, ButtonType.CANCEL);
        dialog.getDialogPane().lookupButton(CONNECT).addEventFilter(javafx.event.ActionEvent.ACTION, event -> {
            if (read() == null) {
                event.consume();
            }
        });
        Platform.runLater(host::requestFocus);
        dialog.showAndWait().filter(button -> button == CONNECT).ifPresent(button -> connect(read()));
    }

    private void connect(SavedServer server) {
        model.disconnect();
        model.useServer(server);
        if (!server.clientCertificate().isBlank()) {
            ConnectionBar.useCertificate(model, owner, Path.of(server.clientCertificate()));
        }
        model.connect();
    }

    private void fill(SavedServer server) {
        name.setText(server.name());
        host.setText(server.host());
        port.setText(String.valueOf(server.port()));
        secure.setSelected(server.secure());
        nick.setText(server.nick());
        rooms.setText(String.join(", ", server.rooms()));
        certificate.setText(server.clientCertificate());
        atStart.setSelected(server.connectAtStart());
        problem.setText("");
    }

    /** The form as a server, or null (and the reason shown) when host or port is not usable. */
    private SavedServer read() {
        int portNumber = SessionViewModel.parsePort(port.getText());
        if (host.getText().isBlank() || portNumber < 0) {
            problem.setText("A host and a port from 1 to 65535 are needed");
            return null;
        }
        problem.setText("");
        List<String> roomList = Arrays.stream(rooms.getText().split("[,\\s]+"))
                .map(String::strip).filter(room -> !room.isEmpty()).distinct().toList();
        String label = name.getText().isBlank() ? host.getText().strip() + ":" + portNumber : name.getText().strip();
        return new SavedServer(label, host.getText().strip(), portNumber, secure.isSelected(), nick.getText().strip(),
                roomList, certificate.getText().strip(), atStart.isSelected());
    }
}
