package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.ConversationViewModel;
import parley.protocol.ServerEvent;

/**
 * The sidebar: the rooms you are in, then private conversations, each with its unread count and, apart, its
 * mention count; a field to join a room; the server's room list folded away until wanted.
 */
final class ConversationList {
    private final ChatViewModel model;
    private final VBox pane;
    private final ListView<ConversationViewModel> list;
    private boolean selecting;

    ConversationList(ChatViewModel model) {
        this.model = model;
        list = new ListView<>(model.conversations());
        list.setId(ChatView.ROOMS);
        list.getStyleClass().add("conversations");
        list.setCellFactory(view -> new ConversationCell());
        list.setPlaceholder(new Label("Join a room to start"));
        list.getSelectionModel().selectedItemProperty().addListener((observable, old, chosen) -> {
            if (chosen != null && !selecting) {
                model.openConversationProperty().set(chosen);
            }
        });
        model.openConversationProperty().addListener((observable, old, conversation) -> select(conversation));
        model.conversations().addListener((javafx.collections.ListChangeListener<ConversationViewModel>) change ->
                select(model.openConversationProperty().get()));
        VBox.setVgrow(list, Priority.ALWAYS);

        var connected = model.session().connectedProperty();
        var roomToJoin = new TextField();
        roomToJoin.setId(ChatView.ROOM_TO_JOIN);
        roomToJoin.setPromptText("join a room");
        roomToJoin.textProperty().bindBidirectional(model.roomToJoinProperty());
        roomToJoin.setOnAction(event -> model.join());
        roomToJoin.disableProperty().bind(connected.not());
        var join = new Button("Join");
        join.setId(ChatView.JOIN);
        join.setMinWidth(Region.USE_PREF_SIZE);
        join.disableProperty().bind(connected.not().or(model.roomToJoinProperty().isEmpty()));
        join.setOnAction(event -> model.join());
        var joinRow = new HBox(4, roomToJoin, join);
        HBox.setHgrow(roomToJoin, Priority.ALWAYS);

        var leave = new Button("Leave room");
        leave.setId(ChatView.LEAVE);
        leave.setMaxWidth(Double.MAX_VALUE);
        leave.disableProperty().bind(connected.not().or(model.currentRoomProperty().isNull()));
        leave.setOnAction(event -> model.leaveCurrentRoom());

        pane = new VBox(6, heading("Conversations"), list, joinRow, leave, serverRooms(connected));
        pane.setPadding(new Insets(8));
        pane.setPrefWidth(210);
        pane.setMinWidth(150);
        pane.getStyleClass().add("sidebar");
    }

    Region node() {
        return pane;
    }

    private void select(ConversationViewModel conversation) {
        selecting = true;
        if (conversation == null) {
            list.getSelectionModel().clearSelection();
        } else {
            list.getSelectionModel().select(conversation);
        }
        selecting = false;
    }

    private TitledPane serverRooms(javafx.beans.binding.BooleanBinding connected) {
        ListView<ServerEvent.RoomInfo> rooms = new ListView<>(model.serverRooms());
        rooms.setId(ChatView.SERVER_ROOMS);
        rooms.setPrefHeight(140);
        rooms.setCellFactory(view -> new ListCell<>() {
            @Override
            protected void updateItem(ServerEvent.RoomInfo room, boolean empty) {
                super.updateItem(room, empty);
                setText(empty || room == null ? null
                        : room.name() + "  (" + room.members() + (room.members() == 1 ? " person)" : " people)"));
            }
        });
        rooms.setOnMouseClicked(event -> {
            ServerEvent.RoomInfo chosen = rooms.getSelectionModel().getSelectedItem();
            if (event.getClickCount() == 2 && chosen != null) {
                model.join(chosen.name());
            }
        });
        rooms.setPlaceholder(new Label("No rooms listed"));
        rooms.setTooltip(new Tooltip("Double-click a room to join it"));
        var refresh = new Button("Refresh list");
        refresh.setId(ChatView.REFRESH_ROOMS);
        refresh.setMaxWidth(Double.MAX_VALUE);
        refresh.disableProperty().bind(connected.not());
        refresh.setOnAction(event -> model.refreshServerRooms());
        var titled = new TitledPane();
        titled.textProperty().bind(Bindings.size(model.serverRooms()).asString("Rooms on the server (%d)"));
        titled.setContent(new VBox(4, rooms, refresh));
        titled.setExpanded(false);
        titled.getStyleClass().add("server-rooms");
        return titled;
    }

    private static Label heading(String text) {
        var label = new Label(text);
        label.getStyleClass().add("heading");
        return label;
    }

    /** "# lobby" or "@ bob", then the unread count and, apart and stronger, the mention count. */
    private final class ConversationCell extends ListCell<ConversationViewModel> {
        private final Label name = new Label();
        private final Label unread = new Label();
        private final Label mentions = new Label();
        private final HBox row = new HBox(6);
        private ConversationViewModel shown;

        ConversationCell() {
            var spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            name.setMinWidth(0);
            unread.getStyleClass().add("unread-badge");
            mentions.getStyleClass().add("mention-badge");
            row.getChildren().addAll(name, spacer, mentions, unread);
            row.setAlignment(Pos.CENTER_LEFT);
            var menu = new ContextMenu();
            var close = new MenuItem("Close or leave");
            close.setOnAction(event -> {
                model.openConversationProperty().set(getItem());
                model.closeOrLeaveOpen();
            });
            menu.getItems().add(close);
            setContextMenu(menu);
        }

        @Override
        protected void updateItem(ConversationViewModel conversation, boolean empty) {
            super.updateItem(conversation, empty);
            if (shown != null) {
                name.textProperty().unbind();
                unread.textProperty().unbind();
                unread.visibleProperty().unbind();
                unread.managedProperty().unbind();
                mentions.textProperty().unbind();
                mentions.visibleProperty().unbind();
                mentions.managedProperty().unbind();
                shown = null;
            }
            getStyleClass().removeAll("room", "private");
            if (empty || conversation == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            shown = conversation;
            getStyleClass().add(conversation.isRoom() ? "room" : "private");
            name.textProperty().bind(conversation.nameProperty().map(n -> (conversation.isRoom() ? "# " : "@ ") + n));
            unread.textProperty().bind(conversation.unreadProperty().asString());
            unread.visibleProperty().bind(conversation.unreadProperty().greaterThan(0));
            unread.managedProperty().bind(unread.visibleProperty());
            mentions.textProperty().bind(conversation.mentionsProperty().asString("@%d"));
            mentions.visibleProperty().bind(conversation.mentionsProperty().greaterThan(0));
            mentions.managedProperty().bind(mentions.visibleProperty());
            setText(null);
            setGraphic(row);
        }
    }
}
