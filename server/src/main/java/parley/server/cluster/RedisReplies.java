package parley.server.cluster;

import parley.protocol.ServerEvent;
import parley.server.cluster.ClusterStore.Entry;
import parley.server.cluster.ClusterStore.StoredControl;
import parley.server.cluster.ClusterStore.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How {@link RedisClusterStore} reads what Redis answers: the ENTER script, stored messages, seat values. */
final class RedisReplies {
    private RedisReplies() {
    }

    /**
     * The answer of {@link RedisScripts#ENTER} for a node the store knows: {name, last id, members elsewhere,
     * recent messages newest first, away (member, message, ...), control version, control JSON or ""}.
     */
    @SuppressWarnings("unchecked")
    static Entry entry(List<Object> result) {
        String name = (String) result.get(0);
        List<String> members = new ArrayList<>();
        ((List<Object>) result.get(2)).forEach(value -> members.add(afterBar((String) value)));
        List<StoredMessage> messages = new ArrayList<>();
        for (Object entry : (List<Object>) result.get(3)) {
            List<Object> pair = (List<Object>) entry;
            messages.add(0, stored((String) pair.get(0), name, fields((List<Object>) pair.get(1))));
        }
        Map<String, String> away = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<Object> awayFlat = (List<Object>) result.get(4);
        for (int i = 0; i + 1 < awayFlat.size(); i += 2) {
            away.put(afterBar((String) awayFlat.get(i)), (String) awayFlat.get(i + 1));
        }
        String controlJson = (String) result.get(6);
        return new Entry(name, members, away, Long.parseLong((String) result.get(1)), messages,
                new StoredControl(Long.parseLong((String) result.get(5)), controlJson.isEmpty() ? null : controlJson));
    }

    private static Map<String, String> fields(List<Object> flat) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return fields;
    }

    /** A message of a room's stream: entry id {@code 0-ID}, fields from, text, ts, o (node), n (serial), k (kind). */
    static StoredMessage stored(String streamId, String roomName, Map<String, String> body) {
        String id = streamId.substring(2);
        String serial = body.get("n");
        String kind = body.get("k");
        return new StoredMessage(new ServerEvent.Message(id, roomName, body.get("from"), body.get("text"),
                Long.parseLong(body.get("ts")), kind == null || kind.isEmpty() ? null : kind), body.get("o"),
                serial == null ? -1 : Long.parseLong(serial));
    }

    /** The nickname in a seat or nickname value {@code OWNER|NICK}. */
    static String afterBar(String value) {
        return value.substring(value.indexOf('|') + 1);
    }
}
