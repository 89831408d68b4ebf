package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import parley.client.chat.NickColors;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.ConversationViewModel;

/**
 * The members of the open room beside the log: the count in the header, each nick in its colour; a double-click
 * opens the private conversation, the context menu offers "Whisper" and "Copy nickname".
 */
final class MemberList {
    private final ChatViewModel model;
    private final VBox pane;
    private final ListView<String> list = new ListView<>();
    private final Label header = new Label();

    MemberList(ChatViewModel model) {
        this.model = model;
        list.setId(ChatView.MEMBERS);
        list.getStyleClass().add("members");
        list.setCellFactory(view -> new MemberCell());
        list.setPlaceholder(new Label("No room open"));
        header.setId(ChatView.MEMBER_COUNT);
        header.getStyleClass().add("heading");
        show(model.openConversationProperty().get());
        model.openConversationProperty().addListener((observable, old, conversation) -> show(conversation));
        VBox.setVgrow(list, Priority.ALWAYS);
        pane = new VBox(6, header, list);
        pane.setPadding(new Insets(8));
        pane.setPrefWidth(170);
        pane.setMinWidth(120);
        pane.getStyleClass().add("member-pane");
    }

    Region node() {
        return pane;
    }

    private void show(ConversationViewModel conversation) {
        ObservableList<String> members;
        if (conversation == null) {
            members = FXCollections.observableArrayList();
        } else if (conversation.isRoom()) {
            members = conversation.members();
        } else {
            // A private conversation has two people in it.
            members = FXCollections.observableArrayList(conversation.name(), model.myNickProperty().get());
        }
        list.setItems(new SortedList<>(members, String.CASE_INSENSITIVE_ORDER));
        boolean room = conversation == null || conversation.isRoom();
        header.textProperty().bind(Bindings.createStringBinding(() -> !room ? "Private: 2 people"
                : members.size() == 1 ? "1 member" : members.size() + " members", members));
    }

    private final class MemberCell extends ListCell<String> {
        MemberCell() {
            var whisper = new MenuItem("Whisper");
            whisper.setOnAction(event -> model.openPrivate(getItem()));
            var copy = new MenuItem("Copy nickname");
            copy.setOnAction(event -> {
                var content = new ClipboardContent();
                content.putString(getItem());
                Clipboard.getSystemClipboard().setContent(content);
            });
            setContextMenu(new ContextMenu(whisper, copy));
            setOnMouseClicked(event -> {
                if (event.getClickCount() == 2 && getItem() != null) {
                    model.openPrivate(getItem());
                }
            });
        }

        @Override
        protected void updateItem(String nick, boolean empty) {
            super.updateItem(nick, empty);
            getStyleClass().removeIf(style -> style.startsWith("nick-"));
            if (empty || nick == null) {
                setText(null);
                return;
            }
            setText(nick.equals(model.myNickProperty().get()) ? nick + " (you)" : nick);
            getStyleClass().add(NickColors.styleClass(nick));
        }
    }
}
