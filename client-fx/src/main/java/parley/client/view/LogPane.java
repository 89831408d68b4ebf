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
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.geometry.Orientation;
import parley.client.chat.LogLine;
import parley.client.viewmodel.ChatViewModel;
import parley.client.viewmodel.JoinsAndLeaves;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The open conversation's log: a virtualized list of lines (time, coloured nick, text with clickable links),
 * day, "earlier" and "new messages" separators, the joins-and-leaves filter, and find. It follows new lines
 * while the user is at the bottom, and stays put once the user scrolls up: whether to follow is decided by what
 * the user did (wheel, scroll bar, keys), never by where a burst of lines has pushed the view meanwhile.
 */
final class LogPane {
    /** How often the log catches up with new lines while following them. */
    static final long FOLLOW_MILLIS = 60;

    private final ChatViewModel model;
    private final ViewOptions options;
    private final ZoneId zone;
    private final Consumer<String> openLink;
    private final ListView<LogLine> list = new ListView<>();
    private final StringProperty query = new SimpleStringProperty("");
    private final List<Integer> matches = new ArrayList<>();
    /** Line index to its position among the matches: a cell asks for its own at every update. */
    private final Map<Integer, Integer> matchPositions = new HashMap<>();
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
        if (marker >= 0) {
            // Shown from the "new messages" line: it follows new lines only if that already shows the end.
            Platform.runLater(() -> following = isAtBottom());
        }
        findAll();
    }

    private static Predicate<LogLine> filter(JoinsAndLeaves mode) {
        return line -> line.kind() != LogLine.Kind.PRESENCE || switch (mode) {
            case ALL -> true;
            case NONE -> false;
            case SMART -> line.mention();
        };
    }

    /** New lines: follow them when the user is at the bottom, at most every FOLLOW_MILLIS, however many arrived. */
    private void linesChanged() {
        if (!query.get().isEmpty()) {
            findAll();
        }
        if (following && !scrollPending) {
            scrollPending = true;
            // At most every FOLLOW_MILLIS: a busy room adds lines at every pulse, and each scroll makes the list
            // measure the lines it brings into view; the eye does not follow faster anyway.
            var pause = new javafx.animation.PauseTransition(javafx.util.Duration.millis(FOLLOW_MILLIS));
            pause.setOnFinished(event -> {
                scrollPending = false;
                if (following && !shown.isEmpty()) {
                    showLast();
                }
            });
            pause.play();
        }
    }

    /** Shows the newest line: moving the view to its end is cheaper than asking it to show one index. */
    private void showLast() {
        if (list.lookup(".virtual-flow") instanceof VirtualFlow<?> flow) {
            flow.setPosition(1.0);
        } else {
            list.scrollTo(shown.size() - 1);
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
        matches.clear();
        matches.addAll(found);
        matchPositions.clear();
        for (int i = 0; i < found.size(); i++) {
            matchPositions.put(found.get(i), i);
        }
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
        String time = (seconds ? LineDrawing.SECONDS : LineDrawing.MINUTES).format(Instant.ofEpochMilli(line.timestamp()).atZone(zone));
        return switch (line.kind()) {
            case MESSAGE -> time + "  " + line.from() + ": " + line.text();
            case WHISPER -> time + "  " + line.from() + ": " + line.text();
            case ACTION -> time + "  * " + line.from() + " " + line.text();
            case INVITATION -> time + "  * " + line.from() + " invites you to " + line.text() + " [Join]";
            case NOTICE -> time + "  Notice from the server: " + line.text();
            case WHISPER_NOTE -> time + "  → whisper to " + line.from() + ": " + line.text();
            case PRESENCE, SYSTEM -> time + "  * " + line.text();
            case ERROR -> time + "  ! " + line.text();
            case DAY, EARLIER, NEW_MESSAGES -> "— " + line.text() + " —";
        };
    }

    /** One line: the time, the nick in its colour, the text with links and find hits. */
    private final class LogCell extends ListCell<LogLine> {
        private static final List<String> STATES = List.of("message", "whisper", "whisper-note", "system", "notice", "error",
                "separator", "new-messages", "earlier", "mention", "find-match", "find-current");

        /** What the graphic shows now: a cell given the same line again (a relayout) keeps it. */
        private LogLine drawnLine;
        private String drawnQuery;
        private boolean drawnSeconds;
        private String drawnLook;
        private List<String> drawnStates = List.of();

        LogCell() {
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(LogLine line, boolean empty) {
            super.updateItem(line, empty);
            boolean seconds = options.showSecondsProperty().get();
            int matchPosition = empty ? -1 : matchPositions.getOrDefault(getIndex(), -1);
            String look = matchPosition < 0 ? "" : matchPosition == currentMatch.get() ? "find-current" : "find-match";
            if (!empty && line == drawnLine && query.get().equals(drawnQuery) && seconds == drawnSeconds
                    && look.equals(drawnLook)) {
                return;
            }
            drawnLine = empty ? null : line;
            drawnQuery = query.get();
            drawnSeconds = seconds;
            drawnLook = look;
            setText(null);
            if (empty || line == null) {
                getStyleClass().removeAll(STATES);
                drawnStates = List.of();
                setGraphic(null);
                return;
            }
            List<String> states = new ArrayList<>(3);
            states.add(kindClass(line));
            if (line.earlier()) {
                states.add("earlier");
            }
            // In a private conversation every line is for you: only room lines that name you stand out.
            if (line.mention() && line.kind() == LogLine.Kind.MESSAGE) {
                states.add("mention");
            }
            if (!look.isEmpty()) {
                states.add(look);
            }
            // A change of style classes restyles the whole cell: only when they really change.
            if (!states.equals(drawnStates)) {
                getStyleClass().removeAll(STATES);
                getStyleClass().addAll(states);
                drawnStates = states;
            }
            setGraphic(drawing.draw(line));
        }

        private static String kindClass(LogLine line) {
            return switch (line.kind()) {
                case MESSAGE, ACTION -> "message";
                case WHISPER -> "whisper";
                case WHISPER_NOTE -> "whisper-note";
                case PRESENCE, SYSTEM, INVITATION -> "system";
                case NOTICE -> "notice";
                case ERROR -> "error";
                case DAY, EARLIER -> "separator";
                case NEW_MESSAGES -> "new-messages";
            };
        }

        private final LineDrawing drawing = new LineDrawing(zone, () -> options.showSecondsProperty().get(), query::get,
                openLink, model::join);

    }
}
