package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import parley.client.viewmodel.ChatViewModel;

/**
 * The bottom line: the whole connection state (it takes the line's width and wraps rather than being cut), the
 * lag of the last ping, your away message while you are away, and a lock on an encrypted connection with the certificate's fingerprint in its tooltip.
 */
final class StatusBar {
    private final HBox bar;

    StatusBar(ChatViewModel model) {
        var status = new Label();
        status.setId(ChatView.STATUS);
        status.textProperty().bind(model.session().statusProperty());
        status.getStyleClass().add("status");
        status.setWrapText(true);
        status.setMinWidth(0);
        var statusTip = new Tooltip();
        statusTip.textProperty().bind(model.session().statusProperty());
        status.setTooltip(statusTip);
        Runnable restyle = () -> {
            status.getStyleClass().removeAll("failed", "connected");
            if (model.session().failedProperty().get()) {
                status.getStyleClass().add("failed");
            } else if (model.session().connectedProperty().get()) {
                status.getStyleClass().add("connected");
            }
        };
        model.session().failedProperty().addListener((observable, was, now) -> restyle.run());
        model.session().connectedProperty().addListener((observable, was, now) -> restyle.run());
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);

        var reconnectNow = new Button("Reconnect now");
        reconnectNow.setId(ChatView.RECONNECT_NOW);
        reconnectNow.visibleProperty().bind(model.session().reconnectingProperty());
        reconnectNow.managedProperty().bind(reconnectNow.visibleProperty());
        reconnectNow.setMinWidth(Region.USE_PREF_SIZE);
        reconnectNow.setOnAction(event -> model.session().reconnectNow());

        var lag = new Label();
        lag.setId(ChatView.LAG);
        lag.getStyleClass().add("lag");
        lag.textProperty().bind(model.session().latencyProperty());
        lag.setMinWidth(Region.USE_PREF_SIZE);

        var lock = new Label("🔒 TLS");
        lock.setId(ChatView.LOCK);
        lock.getStyleClass().add("lock");
        lock.visibleProperty().bind(model.session().encryptedProperty());
        lock.managedProperty().bind(lock.visibleProperty());
        lock.setMinWidth(Region.USE_PREF_SIZE);
        var lockTip = new Tooltip();
        lockTip.textProperty().bind(Bindings.createStringBinding(() -> model.session().fingerprintProperty().get().isEmpty()
                ? "Encrypted (TLS)" : "Encrypted (TLS)\nServer certificate SHA-256:\n" + model.session().fingerprintProperty().get(),
                model.session().fingerprintProperty()));
        lock.setTooltip(lockTip);

        var away = new Label();
        away.setId(ChatView.AWAY);
        away.getStyleClass().add("away-state");
        away.textProperty().bind(Bindings.createStringBinding(() -> model.moderation().myAwayProperty().get().isEmpty()
                ? "" : "Away: " + model.moderation().myAwayProperty().get(), model.moderation().myAwayProperty()));
        away.visibleProperty().bind(model.moderation().myAwayProperty().isNotEmpty());
        away.managedProperty().bind(away.visibleProperty());
        away.setMinWidth(Region.USE_PREF_SIZE);
        away.setTooltip(new Tooltip("You are away: whispers still arrive, and their senders see your message. /back ends it."));

        bar = new HBox(10, status, away, reconnectNow, lag, lock);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        bar.getStyleClass().add("status-bar");
    }

    Region node() {
        return bar;
    }
}
