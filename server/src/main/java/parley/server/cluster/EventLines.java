package parley.server.cluster;

import java.util.List;

/**
 * Cluster events on the Redis channel: a letter for the kind, then one field per line, the encoded server event
 * last. Keys and node ids hold no line breaks, and JSON escapes its own.
 */
final class EventLines {
    private EventLines() {
    }

    static String encode(ClusterEvent event) {
        if (event instanceof ClusterEvent.RoomMessage m) {
            return roomMessageHead(m.origin(), m.roomKey()) + m.id() + "\n" + m.serial() + "\n" + m.json();
        } else if (event instanceof ClusterEvent.RoomEvent e) {
            return lines("R", e.origin(), e.roomKey(), e.json());
        } else if (event instanceof ClusterEvent.NickChange n) {
            return lines("N", n.origin(), String.join("\t", n.roomKeys()), n.json());
        } else if (event instanceof ClusterEvent.Whisper w) {
            return lines("W", w.origin(), w.nickKey(), w.json());
        } else if (event instanceof ClusterEvent.Direct d) {
            return lines("D", d.origin(), d.nickKey(), d.json());
        } else if (event instanceof ClusterEvent.Remove r) {
            return lines("K", r.origin(), r.nickKey(), r.reason() == null ? "" : r.reason());
        } else if (event instanceof ClusterEvent.Notice n) {
            return lines("O", n.origin(), n.roomKey(), n.json());
        } else if (event instanceof ClusterEvent.Takeover t) {
            return lines("T", t.origin(), t.owner());
        } else if (event instanceof ClusterEvent.ControlChange c) {
            // The control and each event are JSON, one line each; events are last.
            List<String> fields = new java.util.ArrayList<>(List.of("C", c.origin(), c.roomKey(), Long.toString(c.version()),
                    c.evictNickKey() == null ? "" : c.evictNickKey(), c.controlJson()));
            fields.addAll(c.events());
            return String.join("\n", fields);
        }
        throw new IllegalArgumentException("unknown cluster event " + event);
    }

    /** The event, or null when the text is not one. */
    static ClusterEvent decode(String text) {
        try {
            String kind = text.substring(0, text.indexOf('\n'));
            if (kind.equals("C")) {
                String[] f = text.substring(2).split("\n", -1);
                return new ClusterEvent.ControlChange(f[0], f[1], Long.parseLong(f[2]), f[4],
                        List.of(f).subList(5, f.length), f[3].isEmpty() ? null : f[3]);
            }
            String[] f = text.substring(kind.length() + 1).split("\n", kind.equals("M") ? 5 : 3);
            return switch (kind) {
                case "M" -> new ClusterEvent.RoomMessage(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
                case "R" -> new ClusterEvent.RoomEvent(f[0], f[1], f[2]);
                case "N" -> new ClusterEvent.NickChange(f[0], f[1].isEmpty() ? List.of() : List.of(f[1].split("\t")), f[2]);
                case "W" -> new ClusterEvent.Whisper(f[0], f[1], f[2]);
                case "D" -> new ClusterEvent.Direct(f[0], f[1], f[2]);
                case "K" -> new ClusterEvent.Remove(f[0], f[1], f[2].isEmpty() ? null : f[2]);
                case "O" -> new ClusterEvent.Notice(f[0], f[1], f[2]);
                case "T" -> new ClusterEvent.Takeover(f[0], f[1]);
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A room message's line up to its id: the store that numbers the message writes the rest. */
    static String roomMessageHead(String origin, String roomKey) {
        return "M\n" + origin + "\n" + roomKey + "\n";
    }

    private static String lines(String... fields) {
        return String.join("\n", fields);
    }
}
