package parley.client.view;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import parley.client.viewmodel.ChatViewModel;

import java.io.File;
import java.util.List;

/**
 * The top of the window: host, port, TLS and client certificate, nickname and Connect; below it, when they are
 * needed, the server's password question and the decision on an untrusted certificate.
 */
final class ConnectionBar {
    private final ChatViewModel model;
    private final Node owner;

    ConnectionBar(ChatViewModel model, Node owner) {
        this.model = model;
        this.owner = owner;
    }

    Region node() {
        var active = model.session().activeProperty();
        var connected = model.session().connectedProperty();

        var host = field(ChatView.HOST, "server host", 10);
        host.textProperty().bindBidirectional(model.session().hostProperty());
        host.disableProperty().bind(active);
        host.setOnAction(event -> model.connect());

        var port = field(ChatView.PORT, "port", 5);
        port.textProperty().bindBidirectional(model.session().portProperty());
        port.disableProperty().bind(active);
        port.setOnAction(event -> model.connect());

        var nickname = field(ChatView.NICKNAME, "nickname (optional)", 10);
        // The bar gives way from the status label alone (an HBox short of room shrinks every child): a host or
        // port cut to a few characters would mislead, just when a failure asks for them to be corrected.
        for (TextField field : List.of(host, port, nickname)) {
            field.setMinWidth(Region.USE_PREF_SIZE);
        }
        nickname.textProperty().bindBidirectional(model.nicknameProperty());
        nickname.setOnAction(event -> {
            if (connected.get()) {
                model.rename();
            } else {
                model.connect();
            }
        });

        var connect = new Button();
        connect.setId(ChatView.CONNECT);
        connect.textProperty().bind(Bindings.when(active).then("Disconnect").otherwise("Connect"));
        connect.disableProperty().bind(active.not().and(model.session().canConnectProperty().not()));
        connect.setDefaultButton(false);
        connect.setOnAction(event -> {
            if (active.get()) {
                model.disconnect();
            } else {
                model.connect();
            }
        });

        var nickError = new Label();
        nickError.setId(ChatView.NICK_ERROR);
        nickError.textProperty().bind(model.nickErrorProperty());
        nickError.getStyleClass().add("nick-error");

        connect.setMinWidth(Region.USE_PREF_SIZE);
        var secure = new CheckBox("Secure (TLS)");
        secure.setId(ChatView.SECURE);
        secure.selectedProperty().bindBidirectional(model.session().secureProperty());
        secure.disableProperty().bind(active);
        secure.setMinWidth(Region.USE_PREF_SIZE);

        var certificate = new Button("Certificate…");
        certificate.setId(ChatView.CLIENT_CERTIFICATE);
        certificate.setMinWidth(Region.USE_PREF_SIZE);
        certificate.disableProperty().bind(active.or(model.session().secureProperty().not()));
        var certificateTip = new Tooltip();
        certificateTip.textProperty().bind(model.session().clientCertificateProperty().map(subject -> subject.isEmpty()
                ? "Choose a client certificate (PKCS#12) for servers that ask for one" : "Client certificate: " + subject));
        certificate.setTooltip(certificateTip);
        certificate.setOnAction(event -> chooseClientCertificate());

        var bar = new HBox(8, label("Host"), host, label("Port"), port, secure, certificate, label("Nickname"), nickname,
                nickError, connect);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(8));
        bar.getStyleClass().add("connection-bar");
        return new VBox(bar, passwordBar(), certificateBar());
    }

    /** Asks for a PKCS#12 file and its password, and hands both to the view model. */
    private void chooseClientCertificate() {
        var chooser = new FileChooser();
        chooser.setTitle("Client certificate");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("PKCS#12 (*.p12, *.pfx)", "*.p12", "*.pfx"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File file = chooser.showOpenDialog(owner.getScene().getWindow());
        if (file == null) {
            return;
        }
        useCertificate(model, owner, file.toPath());
    }

    /** Asks for the password of a PKCS#12 file and hands both to the view model (which reads it off the FX thread). */
    static void useCertificate(ChatViewModel model, Node owner, java.nio.file.Path file) {
        var password = new PasswordField();
        password.setPromptText("password of " + file.getFileName());
        var dialog = new Dialog<char[]>();
        dialog.setTitle("Client certificate");
        dialog.setHeaderText("Password of " + file.getFileName());
        dialog.getDialogPane().setContent(password);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.setResultConverter(button -> button == ButtonType.OK ? password.getText().toCharArray() : null);
        if (owner.getScene() != null) {
            dialog.initOwner(owner.getScene().getWindow());
        }
        Platform.runLater(password::requestFocus);
        dialog.showAndWait().ifPresent(secret -> model.session().useClientCertificate(file, secret));
    }

    /** Shown when the server asks for its password. */
    private Region passwordBar() {
        var password = new PasswordField();
        password.setId(ChatView.PASSWORD);
        password.setPromptText("server password");
        password.textProperty().bindBidirectional(model.session().passwordProperty());
        password.setOnAction(event -> model.session().submitPassword());
        var signIn = new Button("Sign in");
        signIn.setId(ChatView.SIGN_IN);
        signIn.setOnAction(event -> model.session().submitPassword());
        var question = label("");
        question.textProperty().bind(Bindings.when(model.session().secureProperty())
                .then("This server has a password:")
                .otherwise("This server has a password (not encrypted without Secure: others on the network can read it):"));
        var bar = new HBox(8, question, password, signIn);
        bar.setId(ChatView.PASSWORD_BAR);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(0, 8, 8, 8));
        bar.visibleProperty().bind(model.session().passwordRequestedProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        model.session().passwordRequestedProperty().addListener((observable, was, asked) -> {
            if (asked) {
                Platform.runLater(password::requestFocus);
            }
        });
        return bar;
    }

    /** Shown when the server's certificate is not trusted: what is wrong, its fingerprint, and the user's choice. */
    private Region certificateBar() {
        var message = new Label();
        message.setId(ChatView.CERTIFICATE_MESSAGE);
        message.setWrapText(true);
        var trust = new Button();
        trust.setId(ChatView.TRUST_CERTIFICATE);
        trust.setOnAction(event -> model.trustCertificate());
        var distrust = new Button("Don't connect");
        distrust.setId(ChatView.DISTRUST_CERTIFICATE);
        distrust.setOnAction(event -> model.session().distrustCertificate());
        distrust.setDefaultButton(true);
        var buttons = new HBox(8, trust, distrust);
        var bar = new VBox(6, message, buttons);
        bar.setId(ChatView.CERTIFICATE_BAR);
        bar.setPadding(new Insets(8));
        bar.getStyleClass().add("certificate-bar");
        bar.visibleProperty().bind(model.session().certificateProblemProperty().isNotNull());
        bar.managedProperty().bind(bar.visibleProperty());
        model.session().certificateProblemProperty().addListener((observable, old, problem) -> {
            bar.getStyleClass().remove("changed");
            if (problem == null) {
                return;
            }
            if (problem.changed()) {
                bar.getStyleClass().add("changed");
                message.setText("WARNING: the certificate of " + problem.server() + " has CHANGED since you trusted it."
                        + " Someone may be intercepting the connection. Do not trust the new one unless the server's"
                        + " operator told you it changed.\nTrusted before: " + problem.trustedFingerprint()
                        + "\nPresented now: " + problem.fingerprint() + "\n(" + problem.reason() + ")");
                trust.setText("Trust the new certificate");
            } else {
                message.setText("The certificate of " + problem.server() + " is not trusted: " + problem.reason()
                        + ".\nSHA-256 fingerprint: " + problem.fingerprint()
                        + "\nCompare it with the one the server's operator gave you before trusting it.");
                trust.setText("Trust this certificate");
            }
        });
        return bar;
    }

    private static TextField field(String id, String prompt, int columns) {
        var field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefColumnCount(columns);
        return field;
    }

    private static Label label(String text) {
        var label = new Label(text);
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }
}
