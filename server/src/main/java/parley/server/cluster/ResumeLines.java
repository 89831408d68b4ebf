package parley.server.cluster;

import parley.server.chat.ClusterStore;

import java.util.ArrayList;
import java.util.List;

/** A resume record in Redis: owner and nickname on the first two lines, then one room per line, key TAB name. */
final class ResumeLines {
    private ResumeLines() {
    }

    static String encode(ClusterStore.ResumeRecord record) {
        StringBuilder text = new StringBuilder(record.owner()).append('\n').append(record.nick());
        for (ClusterStore.RoomRef room : record.rooms()) {
            text.append('\n').append(room.key()).append('\t').append(room.name());
        }
        return text.toString();
    }

    static ClusterStore.ResumeRecord decode(String text) {
        String[] lines = text.split("\n");
        List<ClusterStore.RoomRef> rooms = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            int tab = lines[i].indexOf('\t');
            rooms.add(new ClusterStore.RoomRef(lines[i].substring(0, tab), lines[i].substring(tab + 1)));
        }
        return new ClusterStore.ResumeRecord(lines[0], lines[1], rooms);
    }
}
