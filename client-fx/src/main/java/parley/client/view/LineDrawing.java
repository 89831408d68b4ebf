package parley.client.view;

import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import parley.client.chat.LogLine;
import parley.client.chat.NickColors;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one line of the log is drawn: the time, the lead (a nick in its colour, or the mark of an action, system,
 * error or note line), and the text with its links and find hits. One per cell of the log.
 */
final class LineDrawing {
    static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+[^\\s<>\".,;:!?)\\]'}]");
    static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm");
    static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ZoneId zone;
    private final BooleanSupplier seconds;
    private final Supplier<String> query;
    private final Consumer<String> openLink;
    private final Consumer<String> joinRoom;

    /**
     * @param seconds  whether times show seconds
     * @param query    what find looks for ("" for nothing)
     * @param joinRoom what the "Join" button of an invitation does with its room
     */
    LineDrawing(ZoneId zone, BooleanSupplier seconds, Supplier<String> query, Consumer<String> openLink,
                Consumer<String> joinRoom) {
        this.zone = zone;
        this.seconds = seconds;
        this.query = query;
        this.openLink = openLink;
        this.joinRoom = joinRoom;
    }

    // The nodes of the plain case (time, nick, separator, text) are made once per cell and reused: a cell is
    // given another line at every scroll step, and new nodes each time cost a CSS pass apiece.
    private final TextFlow flow = new TextFlow();
    private final Text time = styled("", "time");
    private final Text lead = new Text();
    private final Text separator = styled(": ", "nick-separator");
    private final Text star = styled("* ", "star");
    private final Text space = styled(" ", "text");
    private final Text body = styled("", "text");
    private String leadStyle = "";

    {
        flow.getStyleClass().add("line");
    }

    /** The line's nodes, in the flow this drawing reuses. */
    TextFlow draw(LogLine line) {
        if (line.isSeparator()) {
            lead.setText("— " + line.text() + " —");
            restyleLead("separator-text");
            flow.getChildren().setAll(lead);
            return flow;
        }
        DateTimeFormatter clock = seconds.getAsBoolean() ? SECONDS : MINUTES;
        time.setText(clock.format(Instant.ofEpochMilli(line.timestamp()).atZone(zone)) + "  ");
        List<Node> parts = new ArrayList<>(6);
        parts.add(time);
        parts.add(lead);
        switch (line.kind()) {
            case MESSAGE, WHISPER -> {
                lead.setText(line.from());
                restyleLead(NickColors.styleClass(line.from()));
                parts.add(separator);
            }
            case ACTION -> {
                parts.add(1, star);
                lead.setText(line.from());
                restyleLead(NickColors.styleClass(line.from()));
                parts.add(space);
            }
            case INVITATION -> {
                lead.setText("* ");
                restyleLead("star");
                var join = new Hyperlink("Join");
                join.getStyleClass().add("join-invitation");
                join.setOnAction(event -> joinRoom.accept(line.text()));
                parts.add(styled(line.from() + " invites you to " + line.text() + " ", "text"));
                parts.add(join);
                flow.getChildren().setAll(parts);
                return flow;
            }
            case NOTICE -> {
                lead.setText("Notice from the server: ");
                restyleLead("notice-lead");
            }
            case WHISPER_NOTE -> {
                lead.setText("→ whisper to " + line.from() + ": ");
                restyleLead("note");
            }
            case ERROR -> {
                lead.setText("! ");
                restyleLead("bang");
            }
            default -> {
                lead.setText("* ");
                restyleLead("star");
            }
        }
        String text = line.text();
        if (query.get().isEmpty() && !LINK.matcher(text).find()) {
            body.setText(text);
            parts.add(body);
        } else {
            addText(parts, text);
        }
        flow.getChildren().setAll(parts);
        return flow;
    }

    /** The lead is the nick (in its colour), or the mark of a system, error or note line. */
    private void restyleLead(String style) {
        if (style.equals(leadStyle)) {
            return;
        }
        lead.getStyleClass().setAll(style.startsWith("nick-") ? List.of("nick", style) : List.of(style));
        leadStyle = style;
    }

    /** The text, with links as links and what find looks for marked. */
    private void addText(List<Node> parts, String text) {
        Matcher link = LINK.matcher(text);
        int at = 0;
        while (link.find()) {
            addWithHits(parts, text.substring(at, link.start()));
            String url = link.group();
            var hyperlink = new Hyperlink(url);
            hyperlink.getStyleClass().add("link");
            hyperlink.setOnAction(event -> openLink.accept(url));
            parts.add(hyperlink);
            at = link.end();
        }
        addWithHits(parts, text.substring(at));
    }

    private void addWithHits(List<Node> parts, String text) {
        String wanted = query.get().toLowerCase(Locale.ROOT);
        if (wanted.isEmpty() || text.isEmpty()) {
            if (!text.isEmpty()) {
                parts.add(styled(text, "text"));
            }
            return;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int at = 0;
        for (int hit = lower.indexOf(wanted); hit >= 0; hit = lower.indexOf(wanted, hit + wanted.length())) {
            if (hit > at) {
                parts.add(styled(text.substring(at, hit), "text"));
            }
            parts.add(styled(text.substring(hit, hit + wanted.length()), "text", "find-hit"));
            at = hit + wanted.length();
        }
        if (at < text.length()) {
            parts.add(styled(text.substring(at), "text"));
        }
    }

    private static Text styled(String text, String... classes) {
        var node = new Text(text);
        node.getStyleClass().addAll(classes);
        return node;
    }
}
