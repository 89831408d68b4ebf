package parley.server.cluster;

import parley.server.chat.Backplane;

import java.util.ArrayList;
import java.util.List;

/**
 * A resume record in Redis: holder, nickname and away message (empty when none) on the first three lines, then one
 * room per line, key TAB name.
 */
final class ResumeLines {
    private ResumeLines() {
    }

    static String encode(Backplane.Session session) {
        StringBuilder text = new StringBuilder(session.holder()).append('\n').append(session.nick())
                .append('\n').append(session.away() == null ? "" : session.away());
        for (Backplane.RoomRef room : session.rooms()) {
            text.append('\n').append(room.key()).append('\t').append(room.name());
        }
        return text.toString();
    }

    static Backplane.Session decode(String text) {
        String[] lines = text.split("\n", -1);
        List<Backplane.RoomRef> rooms = new ArrayList<>();
        for (int i = 3; i < lines.length; i++) {
            int tab = lines[i].indexOf('\t');
            rooms.add(new Backplane.RoomRef(lines[i].substring(0, tab), lines[i].substring(tab + 1)));
        }
        return new Backplane.Session(lines[1], rooms, lines[0], lines[2].isEmpty() ? null : lines[2]);
    }
}
