package parley.client.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static parley.client.chat.NotificationPolicy.Level.ALL;
import static parley.client.chat.NotificationPolicy.Level.MENTIONS;
import static parley.client.chat.NotificationPolicy.Level.NONE;

class NotificationPolicyTest {
    private final NotificationPolicy policy = new NotificationPolicy();

    private static NotificationPolicy.Line room(String sender, String text, boolean mention) {
        return new NotificationPolicy.Line("lobby", false, sender, text, mention);
    }

    private static NotificationPolicy.Line whisper(String sender, String text) {
        return new NotificationPolicy.Line(sender, true, sender, text, true);
    }

    @Test
    void whatIsOnScreenNeverNotifies() {
        assertThat(NotificationPolicy.wants(whisper("bob", "hi"), ALL, true)).isFalse();
    }

    @Test
    void theSettingOfTheConversationDecides() {
        assertThat(NotificationPolicy.wants(room("bob", "hi", false), ALL, false)).isTrue();
        assertThat(NotificationPolicy.wants(room("bob", "hi", false), MENTIONS, false)).isFalse();
        assertThat(NotificationPolicy.wants(room("bob", "hi alice", true), MENTIONS, false)).isTrue();
        assertThat(NotificationPolicy.wants(whisper("bob", "hi"), MENTIONS, false)).isTrue();
        assertThat(NotificationPolicy.wants(whisper("bob", "hi"), NONE, false)).isFalse();
    }

    @Test
    void oneLineShowsItsSenderAndText() {
        policy.offer(room("bob", "is alice around?", true));

        assertThat(policy.poll(10_000)).isEqualTo(new NotificationPolicy.Notification("bob in lobby", "is alice around?", "lobby"));
        assertThat(policy.poll(10_001)).isNull();
    }

    @Test
    void aBurstWithinTwoSecondsIsOneNotification() {
        policy.offer(whisper("bob", "first"));
        assertThat(policy.poll(10_000)).isNotNull();

        policy.offer(room("bob", "a", true));
        policy.offer(room("carol", "b", true));
        policy.offer(whisper("dave", "c"));
        policy.offer(room("carol", "d", true));
        policy.offer(room("erin", "e", true));
        assertThat(policy.poll(11_999)).isNull();
        assertThat(policy.nextPollAt()).isEqualTo(12_000);

        var summary = policy.poll(12_000);
        assertThat(summary.body()).isEqualTo("5 messages from 4 people");
        assertThat(summary.conversation()).isNull();
        assertThat(policy.hasPending()).isFalse();
    }

    @Test
    void aBurstFromOnePersonInOneRoomSaysSo() {
        policy.offer(room("bob", "a", true));
        policy.offer(room("bob", "b", true));

        assertThat(policy.poll(5_000).body()).isEqualTo("2 messages from bob in lobby");
    }

    @Test
    void longTextIsCutOnOneLine() {
        policy.offer(whisper("bob", "x".repeat(500) + "\nsecond line"));

        String body = policy.poll(1_000).body();
        assertThat(body).hasSize(NotificationPolicy.MAX_BODY_CHARACTERS).endsWith("…").doesNotContain("\n");
    }
}
