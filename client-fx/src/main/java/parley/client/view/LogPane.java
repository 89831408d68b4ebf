package parley.client.view;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.geometry.Orientation;
import parley.client.chat.LogLine;
import parley.client.chat.NickColors;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.JoinsAndLeaves;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The open conversation's log: a virtualized list of lines (time, coloured nick, text with clickable links),
 * day, "earlier" and "new messages" separators, the joins-and-leaves filter, and find. It follows new lines
 * while the user is at the bottom, and stays put once the user scrolls up: whether to follow is decided by what
 * the user did (wheel, scroll bar, keys), never by where a burst of lines has pushed the view meanwhile.
 */
final class LogPane {
    private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+[^\\s<>\".,;:!?)\\]'}]");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ChatViewModel model;
    private final ViewOptions options;
    private final ZoneId zone;
    private final Consumer<String> openLink;
    private final ListView<LogLine> list = new ListView<>();
    private final StringProperty query = new SimpleStringProperty("");
    private final ObservableList<Integer> matches = FXCollections.observableArrayList();
    private final IntegerProperty currentMatch = new SimpleIntegerProperty(-1);
    private final ReadOnlyIntegerWrapper matchCount = new ReadOnlyIntegerWrapper();
    private FilteredList<LogLine> shown = new FilteredList<>(FXCollections.observableArrayList());
    private boolean following = true;
    private boolean scrollPending;
    private final ListChangeListener<LogLine> onLinesChanged = change -> linesChanged();

    LogPane(ChatViewModel model, ViewOptions options, ZoneId zone, Consumer<String> openLink) {
        this.model = model;
        this.options = options;
        this.zone = zone;
        this.openLink = openLink;
        list.setId(ChatView.LOG);
        list.getStyleClass().add("log");
        list.setFocusTraversable(false);
        list.setCellFactory(view -> new LogCell());
        list.styleProperty().bind(Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", 13 * options.zoomProperty().get()),
                options.zoomProperty()));
        showLines(model.logProperty().get());
        model.logProperty().addListener((observable, old, lines) -> showLines(lines));
        model.joinsAndLeavesProperty().addListener((observable, old, mode) -> shown.setPredicate(filter(mode)));
        options.showSecondsProperty().addListener((observable, old, seconds) -> list.refresh());
        query.addListener((observable, old, text) -> findAll());
        watchTheUser();
    }

    Node node() {
        return list;
    }

    ListView<LogLine> list() {
        return list;
    }

    private void showLines(ObservableList<LogLine> lines) {
        shown.getSource().removeListener(onLinesChanged);
        shown = new FilteredList<>(lines == null ? FXCollections.observableArrayList() : lines,
                filter(model.joinsAndLeavesProperty().get()));
        shown.getSource().addListener(onLinesChanged);
        list.setItems(shown);
        following = true;
        int marker = indexOfMarker();
        list.scrollTo(marker >= 0 ? Math.max(0, marker - 2) : Math.max(0, shown.size() - 1));
        following = marker < 0;
        findAll();
    }

    private static Predicate<LogLine> filter(JoinsAndLeaves mode) {
        return line -> line.kind() != LogLine.Kind.PRESENCE || switch (mode) {
            case ALL -> true;
            case NONE -> false;
            case SMART -> line.mention();
        };
    }

    /** New lines: follow them when the user is at the bottom; scroll once per pulse, however many arrived. */
    private void linesChanged() {
        if (!query.get().isEmpty()) {
            findAll();
        }
        if (following && !scrollPending) {
            scrollPending = true;
            Platform.runLater(() -> {
                scrollPending = false;
                if (following && !shown.isEmpty()) {
                    list.scrollTo(shown.size() - 1);
                }
            });
        }
    }

    /** Whether to follow is the user's choice: it is read after each wheel turn, scroll bar drag or key. */
    private void watchTheUser() {
        Runnable reread = () -> Platform.runLater(() -> following = isAtBottom());
        list.addEventFilter(ScrollEvent.SCROLL, event -> reread.run());
        list.addEventFilter(MouseEvent.MOUSE_RELEASED, event -> reread.run());
        list.addEventFilter(KeyEvent.KEY_RELEASED, event -> reread.run());
    }

    private boolean isAtBottom() {
        ScrollBar bar = verticalBar();
        return bar == null || !bar.isVisible() || bar.getValue() >= bar.getMax() - 1e-3;
    }

    private ScrollBar verticalBar() {
        for (Node node : list.lookupAll(".scroll-bar")) {
            if (node instanceof ScrollBar bar && bar.getOrientation() == Orientation.VERTICAL) {
                return bar;
            }
        }
        return null;
    }

    /** Scrolls to the "new messages" line (the key for it), or to the end when there is none. */
    void jumpToMarker() {
        int marker = indexOfMarker();
        if (marker >= 0) {
            following = false;
            list.scrollTo(Math.max(0, marker - 1));
        } else {
            scrollToEnd();
        }
    }

    void scrollToEnd() {
        following = true;
        if (!shown.isEmpty()) {
            list.scrollTo(shown.size() - 1);
        }
    }

    private int indexOfMarker() {
        for (int i = shown.size() - 1; i >= 0; i--) {
            if (shown.get(i).kind() == LogLine.Kind.NEW_MESSAGES) {
                return i;
            }
        }
        return -1;
    }

    // --- find

    StringProperty queryProperty() {
        return query;
    }

    ReadOnlyIntegerProperty matchCountProperty() {
        return matchCount.getReadOnlyProperty();
    }

    IntegerProperty currentMatchProperty() {
        return currentMatch;
    }

    private void findAll() {
        String wanted = query.get().toLowerCase(Locale.ROOT);
        List<Integer> found = new ArrayList<>();
        if (!wanted.isEmpty()) {
            for (int i = 0; i < shown.size(); i++) {
                LogLine line = shown.get(i);
                if (!line.isSeparator() && (line.text().toLowerCase(Locale.ROOT).contains(wanted)
                        || line.from() != null && line.from().toLowerCase(Locale.ROOT).contains(wanted))) {
                    found.add(i);
                }
            }
        }
        boolean grew = !matches.isEmpty() && found.size() > matches.size();
        matches.setAll(found);
        matchCount.set(found.size());
        if (found.isEmpty()) {
            currentMatch.set(-1);
        } else if (currentMatch.get() < 0 || currentMatch.get() >= found.size() || !grew) {
            // A new search starts at the newest match, as people search back in time.
            currentMatch.set(found.size() - 1);
            showMatch();
        }
        list.refresh();
    }

    /** Moves to the next (+1) or previous (-1) match, wrapping around. */
    void step(int direction) {
        if (matches.isEmpty()) {
            return;
        }
        currentMatch.set(Math.floorMod(currentMatch.get() + direction, matches.size()));
        showMatch();
        list.refresh();
    }

    private void showMatch() {
        int index = matches.get(currentMatch.get());
        following = false;
        list.scrollTo(Math.max(0, index - 3));
    }

    /** The line as text, the way the log shows it (tests read the log through this). */
    static String render(LogLine line, ZoneId zone, boolean seconds) {
        String time = (seconds ? SECONDS : MINUTES).format(Instant.ofEpochMilli(line.timestamp()).atZone(zone));
        return switch (line.kind()) {
            case MESSAGE -> time + "  " + line.from() + ": " + line.text();
            case WHISPER -> time + "  " + line.from() + ": " + line.text();
            case WHISPER_NOTE -> time + "  → whisper to " + line.from() + ": " + line.text();
            case PRESENCE, SYSTEM -> time + "  * " + line.text();
            case ERROR -> time + "  ! " + line.text();
            case DAY, EARLIER, NEW_MESSAGES -> "— " + line.text() + " —";
        };
    }

    /** One line: the time, the nick in its colour, the text with links and find hits. */
    private final class LogCell extends ListCell<LogLine> {
        private static final List<String> STATES = List.of("message", "whisper", "whisper-note", "system", "error",
                "separator", "new-messages", "earlier", "mention", "find-match", "find-current");

        LogCell() {
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(LogLine line, boolean empty) {
            super.updateItem(line, empty);
            getStyleClass().removeAll(STATES);
            setText(null);
            if (empty || line == null) {
                setGraphic(null);
                return;
            }
            getStyleClass().add(switch (line.kind()) {
                case MESSAGE -> "message";
                case WHISPER -> "whisper";
                case WHISPER_NOTE -> "whisper-note";
                case PRESENCE, SYSTEM -> "system";
                case ERROR -> "error";
                case DAY, EARLIER -> "separator";
                case NEW_MESSAGES -> "new-messages";
            });
            if (line.earlier()) {
                getStyleClass().add("earlier");
            }
            if (line.mention() && line.isChat()) {
                getStyleClass().add("mention");
            }
            int index = getIndex();
            int matchPosition = matches.indexOf(index);
            if (matchPosition >= 0) {
                getStyleClass().add(matchPosition == currentMatch.get() ? "find-current" : "find-match");
            }
            setGraphic(flow(line));
        }

        private TextFlow flow(LogLine line) {
            var flow = new TextFlow();
            flow.getStyleClass().add("line");
            if (line.isSeparator()) {
                flow.getChildren().add(styled("— " + line.text() + " —", "separator-text"));
                return flow;
            }
            boolean seconds = options.showSecondsProperty().get();
            String time = (seconds ? SECONDS : MINUTES).format(Instant.ofEpochMilli(line.timestamp()).atZone(zone));
            flow.getChildren().add(styled(time + "  ", "time"));
            switch (line.kind()) {
                case MESSAGE, WHISPER -> {
                    flow.getChildren().add(styled(line.from(), "nick", NickColors.styleClass(line.from())));
                    flow.getChildren().add(styled(": ", "nick-separator"));
                }
                case WHISPER_NOTE -> flow.getChildren().add(styled("→ whisper to " + line.from() + ": ", "note"));
                case ERROR -> flow.getChildren().add(styled("! ", "bang"));
                default -> flow.getChildren().add(styled("* ", "star"));
            }
            addText(flow, line.text());
            return flow;
        }

        /** The text, with links as links and what find looks for marked. */
        private void addText(TextFlow flow, String text) {
            Matcher link = LINK.matcher(text);
            int at = 0;
            while (link.find()) {
                addWithHits(flow, text.substring(at, link.start()));
                String url = link.group();
                var hyperlink = new Hyperlink(url);
                hyperlink.getStyleClass().add("link");
                hyperlink.setOnAction(event -> openLink.accept(url));
                flow.getChildren().add(hyperlink);
                at = link.end();
            }
            addWithHits(flow, text.substring(at));
        }

        private void addWithHits(TextFlow flow, String text) {
            String wanted = query.get().toLowerCase(Locale.ROOT);
            if (wanted.isEmpty() || text.isEmpty()) {
                if (!text.isEmpty()) {
                    flow.getChildren().add(styled(text, "text"));
                }
                return;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            int at = 0;
            for (int hit = lower.indexOf(wanted); hit >= 0; hit = lower.indexOf(wanted, hit + wanted.length())) {
                if (hit > at) {
                    flow.getChildren().add(styled(text.substring(at, hit), "text"));
                }
                flow.getChildren().add(styled(text.substring(hit, hit + wanted.length()), "text", "find-hit"));
                at = hit + wanted.length();
            }
            if (at < text.length()) {
                flow.getChildren().add(styled(text.substring(at), "text"));
            }
        }

        private static Text styled(String text, String... classes) {
            var node = new Text(text);
            node.getStyleClass().addAll(classes);
            return node;
        }
    }
}
