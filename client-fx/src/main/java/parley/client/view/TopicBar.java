package parley.client.view;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.ConversationViewModel;
import parley.protocol.ServerEvent;

/**
 * The open room's topic above the log, with its modes beside it. Those allowed to change the topic (every member,
 * or only operators when it is locked) edit it in place: Enter sets it, Escape puts it back. Hidden in private
 * conversations and on servers without topics.
 */
final class TopicBar {
    private final ChatViewModel model;
    private final HBox bar;
    private final TextField topic = new TextField();
    private final Label modes = new Label();
    private final Tooltip setBy = new Tooltip();
    private final javafx.beans.value.ChangeListener<String> topicChanged = (observable, old, text) -> topic.setText(text);
    private ConversationViewModel shownRoom;

    TopicBar(ChatViewModel model) {
        this.model = model;
        topic.setId(ChatView.TOPIC);
        topic.getStyleClass().add("topic");
        topic.setPromptText("No topic");
        topic.setTooltip(setBy);
        modes.setId(ChatView.MODES);
        modes.getStyleClass().add("modes");
        modes.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(topic, Priority.ALWAYS);
        bar = new HBox(8, topic, modes);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        bar.getStyleClass().add("topic-bar");
        BooleanBinding shown = Bindings.createBooleanBinding(() -> {
            ConversationViewModel open = model.openConversationProperty().get();
            return open != null && open.isRoom() && model.moderation().features().contains("topic");
        }, model.openConversationProperty(), model.moderation().features());
        bar.visibleProperty().bind(shown);
        bar.managedProperty().bind(shown);
        topic.setOnAction(event -> {
            model.setTopic(topic.getText());
            bar.requestFocus();
        });
        topic.setOnKeyPressed(event -> {
            if (event.getCode() == KeyCode.ESCAPE) {
                show(model.openConversationProperty().get());
                bar.requestFocus();
            }
        });
        show(model.openConversationProperty().get());
        model.openConversationProperty().addListener((observable, old, conversation) -> show(conversation));
    }

    Region node() {
        return bar;
    }

    private void show(ConversationViewModel room) {
        topic.textProperty().unbind();
        modes.textProperty().unbind();
        setBy.textProperty().unbind();
        topic.editableProperty().unbind();
        if (shownRoom != null) {
            shownRoom.topicProperty().removeListener(topicChanged);
            shownRoom = null;
        }
        if (room == null || !room.isRoom()) {
            return;
        }
        shownRoom = room;
        topic.setText(room.topicProperty().get());
        room.topicProperty().addListener(topicChanged);
        setBy.textProperty().bind(Bindings.createStringBinding(() -> room.topicByProperty().get().isEmpty()
                ? "The room's topic" : "Topic " + room.topicByProperty().get(), room.topicByProperty()));
        modes.textProperty().bind(Bindings.createStringBinding(() -> describe(room.modesProperty().get()),
                room.modesProperty()));
        topic.editableProperty().bind(Bindings.createBooleanBinding(
                () -> !room.modesProperty().get().topicLocked() || room.isOperator(model.myNickProperty().get()),
                room.modesProperty(), room.roles(), model.myNickProperty()));
    }

    /** The modes in a few words: "moderated · invite-only · topic locked · key". */
    static String describe(ServerEvent.Modes modes) {
        var words = new java.util.ArrayList<String>();
        if (modes.moderated()) {
            words.add("moderated");
        }
        if (modes.inviteOnly()) {
            words.add("invite-only");
        }
        if (modes.topicLocked()) {
            words.add("topic locked");
        }
        if (modes.key()) {
            words.add("key");
        }
        return String.join(" · ", words);
    }
}
