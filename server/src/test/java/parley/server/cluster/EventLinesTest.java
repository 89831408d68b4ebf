package parley.server.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventLinesTest {
    @Test
    void everyKindOfClusterEventCrossesTheChannelUnchanged() {
        List<ClusterEvent> events = List.of(
                new ClusterEvent.RoomMessage("n1", "lobby", 7, 3, "{\"type\":\"message\"}"),
                new ClusterEvent.RoomEvent("n1", "lobby", "{\"type\":\"presence\"}"),
                new ClusterEvent.NickChange("n1", List.of("lobby", "attic"), "{\"type\":\"nick_changed\"}"),
                new ClusterEvent.Whisper("n1", "bob", "{\"type\":\"whisper\"}"),
                new ClusterEvent.Direct("n1", "bob", "{\"type\":\"invited\"}"),
                new ClusterEvent.Remove("n1", "bob", "spam\nand worse"),
                new ClusterEvent.Remove("n1", "bob", null),
                new ClusterEvent.Notice("n1", "", "{\"type\":\"notice\"}"),
                new ClusterEvent.Notice("n1", "lobby", "{\"type\":\"notice\"}"),
                new ClusterEvent.Takeover("n1", "n1/4"),
                new ClusterEvent.ControlChange("n1", "lobby", 5, "{\"topic\":null}",
                        List.of("{\"type\":\"banned\"}", "{\"type\":\"kicked\"}"), "bob"),
                new ClusterEvent.ControlChange("n1", "lobby", 6, "{}", List.of(), null));

        for (ClusterEvent event : events) {
            assertThat(EventLines.decode(EventLines.encode(event))).isEqualTo(event);
        }
    }

    @Test
    void textThatIsNoClusterEventIsNull() {
        assertThat(EventLines.decode("nonsense")).isNull();
        assertThat(EventLines.decode("C\nn1\nlobby\nnot a number\n\n{}")).isNull();
    }
}
