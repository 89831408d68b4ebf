package parley.server.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The password, the throttle on wrong ones and the origin policy, at their edges. */
class AccessTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void thePasswordMatchesExactlyAndComesFromTheFilesFirstLine(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("password.txt"), "open sesame\r\nsecond line\n");
        Password password = Password.fromFile(file);

        assertThat(password.matches("open sesame")).isTrue();
        assertThat(password.matches("open sesame ")).isFalse();
        assertThat(password.matches("Open sesame")).isFalse();
        assertThat(password.matches("")).isFalse();
        assertThat(password.matches(null)).isFalse();
        assertThatThrownBy(() -> Password.fromFile(Files.writeString(folder.resolve("empty.txt"), "\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
    }

    @Test
    void anAddressMayFailUpToTheLimitWithinTheWindowAndThenWaitsForTheOldestToAge() {
        var throttle = new LoginThrottle(3, Duration.ofSeconds(60), 100, now::get);
        throttle.failed("10.0.0.1");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfterMillis("10.0.0.1")).isZero();

        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfterMillis("10.0.0.1")).isEqualTo(50_000);
        assertThat(throttle.retryAfterMillis("10.0.0.2")).isZero();

        now.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(throttle.retryAfterMillis("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfterMillis("10.0.0.1")).isEqualTo(10_000);
    }

    @Test
    void aRightPasswordClearsTheAddressesFailures() {
        var throttle = new LoginThrottle(2, Duration.ofSeconds(60), 100, now::get);
        throttle.failed("10.0.0.1");
        throttle.succeeded("10.0.0.1");
        throttle.failed("10.0.0.1");

        assertThat(throttle.retryAfterMillis("10.0.0.1")).isZero();
    }

    @Test
    void aFullTableForgetsAddressesWhoseFailuresAgedOut() {
        var throttle = new LoginThrottle(1, Duration.ofSeconds(60), 2, now::get);
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.2");
        now.addAndGet(Duration.ofSeconds(61).toNanos());

        throttle.failed("10.0.0.3");

        assertThat(throttle.retryAfterMillis("10.0.0.3")).isPositive();
        assertThat(throttle.retryAfterMillis("10.0.0.1")).isZero();
    }

    @Test
    void originsAreComparedIgnoringCaseAndATrailingSlash() {
        var policy = new OriginPolicy(Set.of("https://Chat.example.org/"), false);

        assertThat(policy.allows("https://chat.example.org")).isTrue();
        assertThat(policy.allows("HTTPS://CHAT.EXAMPLE.ORG/")).isTrue();
        assertThat(policy.allows("http://chat.example.org")).isFalse();
        assertThat(policy.allows("https://chat.example.org.evil.com")).isFalse();
        assertThat(policy.allows("null")).isFalse();
        assertThat(policy.allows(null)).isTrue();
        assertThat(policy.allows("")).isTrue();
    }

    @Test
    void noListRefusesEveryBrowserAStarAllowsThemAllAndRequireOriginRefusesClientsWithout() {
        assertThat(OriginPolicy.defaults().allows("https://chat.example.org")).isFalse();
        assertThat(OriginPolicy.defaults().allows(null)).isTrue();
        assertThat(new OriginPolicy(Set.of("*"), false).allows("https://anything.example")).isTrue();
        assertThat(new OriginPolicy(Set.of("*"), true).allows(null)).isFalse();
    }
}
