package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.MapChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import parley.client.chat.NickColors;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.ConversationViewModel;
import parley.protocol.ServerEvent;

/**
 * The members of the open room beside the log: the count in the header, operators (@) first, then voiced
 * members (+), then the others, each nick in its colour; away members are greyed, their message in the tooltip.
 * A double-click opens the private conversation; the context menu offers "Whisper" and "Copy nickname", and to an
 * operator of the room also roles, "Kick" and "Ban".
 */
final class MemberList {
    private final ChatViewModel model;
    private final VBox pane;
    private final ListView<String> list = new ListView<>();
    private final Label header = new Label();
    private ConversationViewModel shownRoom;
    private MapChangeListener<String, String> rolesChanged;

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
        model.moderation().away().addListener((MapChangeListener<String, String>) change -> list.refresh());
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
        var sorted = new SortedList<>(members, byRank(conversation));
        if (shownRoom != null) {
            shownRoom.roles().removeListener(rolesChanged);
        }
        shownRoom = conversation != null && conversation.isRoom() ? conversation : null;
        if (shownRoom != null) {
            rolesChanged = change -> {
                sorted.setComparator(byRank(shownRoom));
                list.refresh();
            };
            shownRoom.roles().addListener(rolesChanged);
        }
        list.setItems(sorted);
        boolean room = conversation == null || conversation.isRoom();
        header.textProperty().bind(Bindings.createStringBinding(() -> !room ? "Private: 2 people"
                : members.size() == 1 ? "1 member" : members.size() + " members", members));
    }

    /** Operators first, then voiced members, then the others; by name within each. */
    private static java.util.Comparator<String> byRank(ConversationViewModel room) {
        java.util.Comparator<String> byName = String.CASE_INSENSITIVE_ORDER;
        if (room == null || !room.isRoom()) {
            return byName;
        }
        return java.util.Comparator.<String>comparingInt(nick -> rank(room.roles().get(nick))).thenComparing(byName);
    }

    private static int rank(String role) {
        return ServerEvent.OPERATOR.equals(role) ? 0 : ServerEvent.VOICE.equals(role) ? 1 : 2;
    }

    /** The mark a role shows before a nick, as on IRC. */
    static String mark(String role) {
        return ServerEvent.OPERATOR.equals(role) ? "@" : ServerEvent.VOICE.equals(role) ? "+" : "";
    }

    private final class MemberCell extends ListCell<String> {
        private final SeparatorMenuItem operatorsOnly = new SeparatorMenuItem();
        private final MenuItem op = new MenuItem("Make operator");
        private final MenuItem voice = new MenuItem("Give voice");
        private final MenuItem noRole = new MenuItem("Take role");
        private final MenuItem kick = new MenuItem("Kick");
        private final MenuItem ban = new MenuItem("Ban");

        MemberCell() {
            var whisper = new MenuItem("Whisper");
            whisper.setOnAction(event -> model.openPrivate(getItem()));
            var copy = new MenuItem("Copy nickname");
            copy.setOnAction(event -> {
                var content = new ClipboardContent();
                content.putString(getItem());
                Clipboard.getSystemClipboard().setContent(content);
            });
            op.setOnAction(event -> model.setRole(getItem(), ServerEvent.OPERATOR));
            voice.setOnAction(event -> model.setRole(getItem(), ServerEvent.VOICE));
            noRole.setOnAction(event -> model.setRole(getItem(), ServerEvent.NO_ROLE));
            kick.setOnAction(event -> model.kick(getItem()));
            ban.setOnAction(event -> model.ban(getItem()));
            var menu = new ContextMenu(whisper, copy, operatorsOnly, op, voice, noRole, kick, ban);
            menu.setOnShowing(event -> {
                ConversationViewModel room = model.openConversationProperty().get();
                boolean operator = room != null && room.isRoom() && room.isOperator(model.myNickProperty().get())
                        && model.moderation().supports("moderation");
                String role = room == null ? null : room.roles().get(getItem());
                operatorsOnly.setVisible(operator);
                op.setVisible(operator && !ServerEvent.OPERATOR.equals(role));
                voice.setVisible(operator && role == null);
                noRole.setVisible(operator && role != null);
                boolean notMe = getItem() != null && !getItem().equals(model.myNickProperty().get());
                kick.setVisible(operator && notMe);
                ban.setVisible(operator && notMe);
            });
            setContextMenu(menu);
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
            ConversationViewModel room = model.openConversationProperty().get();
            String role = room != null && room.isRoom() ? room.roles().get(nick) : null;
            String shown = mark(role) + nick;
            setText(nick.equals(model.myNickProperty().get()) ? shown + " (you)" : shown);
            getStyleClass().add(NickColors.styleClass(nick));
            String away = model.moderation().away().get(nick);
            getStyleClass().remove("away");
            if (away != null) {
                getStyleClass().add("away");
            }
            setTooltip(away == null ? null : new Tooltip(nick + " is away: " + away));
        }
    }
}
