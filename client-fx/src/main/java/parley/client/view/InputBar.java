package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;
import parley.client.chat.TabCompleter;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.InputViewModel;
import parley.client.viewmodel.ConversationViewModel;
import parley.client.viewmodel.Recipient;

import java.util.Locale;

/**
 * Where people type: the "To" choice, the input (Enter sends, Shift+Enter breaks the line, Tab completes, Up and
 * Down walk the history, a paste of more than five lines asks first), a counter near the length limit, Send.
 */
final class InputBar {
    static final int PASTE_LINES_WITHOUT_ASKING = 5;
    private final ChatViewModel model;
    private final HBox bar;
    private final TextArea draft;

    InputBar(ChatViewModel model, ViewOptions options) {
        this.model = model;
        ComboBox<Recipient> recipient = new ComboBox<>(model.recipients());
        recipient.setId(ChatView.RECIPIENT);
        recipient.valueProperty().bindBidirectional(model.recipientProperty());
        recipient.setConverter(new StringConverter<>() {
            @Override
            public String toString(Recipient choice) {
                return choice == null ? "" : choice.label(model.currentRoomProperty().get());
            }

            @Override
            public Recipient fromString(String text) {
                return null;
            }
        });
        recipient.setPrefWidth(190);
        recipient.setMinWidth(Region.USE_PREF_SIZE);
        recipient.disableProperty().bind(model.session().connectedProperty().not());

        draft = new GuardedTextArea();
        draft.setId(ChatView.DRAFT);
        draft.getStyleClass().add("draft");
        draft.setWrapText(true);
        draft.textProperty().bindBidirectional(model.input().draftProperty());
        draft.prefRowCountProperty().bind(Bindings.createIntegerBinding(
                () -> Math.max(1, Math.min(5, (int) draft.getText().chars().filter(c -> c == '\n').count() + 1)),
                draft.textProperty()));
        draft.promptTextProperty().bind(Bindings.createStringBinding(() -> {
            ConversationViewModel open = model.openConversationProperty().get();
            return open == null ? "/join ROOM to start" : (open.isRoom() ? "Message #" : "Message @") + open.name();
        }, model.openConversationProperty()));
        draft.styleProperty().bind(Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", 13 * options.zoomProperty().get()),
                options.zoomProperty()));
        draft.addEventFilter(KeyEvent.KEY_PRESSED, this::keyPressed);
        draft.setTooltip(new javafx.scene.control.Tooltip(
                "Enter sends, Shift+Enter starts a new line, Tab completes, Up and Down recall, /help lists commands"));
        model.recipientProperty().addListener((observable, old, choice) -> {
            draft.getStyleClass().remove("whispering");
            if (choice != null && !choice.isEveryone()) {
                draft.getStyleClass().add("whispering");
            }
        });

        var counter = new Label();
        counter.setId(ChatView.COUNTER);
        counter.getStyleClass().add("counter");
        counter.setMinWidth(Region.USE_PREF_SIZE);
        counter.textProperty().bind(model.input().charactersLeftProperty().asString("%d left"));
        counter.visibleProperty().bind(model.input().charactersLeftProperty().lessThanOrEqualTo(InputViewModel.COUNTER_FROM));
        counter.managedProperty().bind(counter.visibleProperty());
        model.input().charactersLeftProperty().addListener((observable, old, left) ->
                counter.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("over"), left.intValue() < 0));

        var send = new Button("Send");
        send.setId(ChatView.SEND);
        send.disableProperty().bind(model.input().canSendProperty().not());
        send.setOnAction(event -> model.input().send());
        send.setMinWidth(Region.USE_PREF_SIZE);
        // Once connected, the cursor belongs where people type.
        model.session().connectedProperty().addListener((observable, was, connected) -> {
            if (connected) {
                draft.requestFocus();
            }
        });

        var to = new Label("To");
        to.setMinWidth(Region.USE_PREF_SIZE);
        bar = new HBox(8, to, recipient, draft, counter, send);
        HBox.setHgrow(draft, Priority.ALWAYS);
        bar.setAlignment(Pos.BOTTOM_LEFT);
        bar.setPadding(new Insets(6, 8, 8, 8));
        bar.getStyleClass().add("input-bar");
    }

    Region node() {
        return bar;
    }

    TextArea draft() {
        return draft;
    }

    private void keyPressed(KeyEvent event) {
        KeyCode code = event.getCode();
        if (code == KeyCode.ENTER && !event.isShiftDown() && !event.isControlDown() && !event.isAltDown()) {
            event.consume();
            model.input().send();
        } else if (code == KeyCode.ENTER && event.isShiftDown()) {
            event.consume();
            draft.replaceSelection("\n");
        } else if (code == KeyCode.TAB && !event.isControlDown()) {
            event.consume();
            TabCompleter.Result completed = model.input().complete(draft.getText(), draft.getCaretPosition());
            if (completed != null) {
                draft.setText(completed.text());
                draft.positionCaret(completed.caret());
            }
        } else if (code == KeyCode.UP && !event.isControlDown() && !event.isAltDown()
                && !draft.getText(0, draft.getCaretPosition()).contains("\n")) {
            String older = model.input().olderInput(draft.getText());
            if (older != null) {
                event.consume();
                draft.setText(older);
                draft.positionCaret(older.length());
            }
        } else if (code == KeyCode.DOWN && !event.isControlDown() && !event.isAltDown()
                && !draft.getText(draft.getCaretPosition(), draft.getLength()).contains("\n")) {
            String newer = model.input().newerInput();
            if (newer != null) {
                event.consume();
                draft.setText(newer);
                draft.positionCaret(newer.length());
            }
        }
    }

    /** A text area that asks before taking a long paste: a stray clipboard should not flood a room. */
    private static final class GuardedTextArea extends TextArea {
        @Override
        public void paste() {
            String pasted = Clipboard.getSystemClipboard().getString();
            long lines = pasted == null ? 0 : pasted.lines().count();
            if (lines > PASTE_LINES_WITHOUT_ASKING) {
                var ask = new Alert(Alert.AlertType.CONFIRMATION,
                        "The clipboard holds " + lines + " lines. Paste them all into the message?",
                        ButtonType.OK, ButtonType.CANCEL);
                ask.setHeaderText("Paste " + lines + " lines?");
                if (getScene() != null) {
                    ask.initOwner(getScene().getWindow());
                }
                if (ask.showAndWait().orElse(ButtonType.CANCEL) != ButtonType.OK) {
                    return;
                }
            }
            super.paste();
        }
    }
}
