package parley.server.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestGuardTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theBurstPassesAtOnceAndTheNextWaitsForATokenAtTheRate() {
        var guard = new RequestGuard(20, 40, 0, 0);

        for (int i = 0; i < 40; i++) {
            assertThat(guard.acquire(0)).isZero();
        }

        assertThat(guard.acquire(0)).isEqualTo(50);
        assertThat(guard.acquire(SECOND / 20)).isZero();
    }

    @Test
    void tokensRefillAtTheRateUpToTheBurst() {
        var guard = new RequestGuard(10, 5, 0, 0);
        for (int i = 0; i < 5; i++) {
            guard.acquire(0);
        }

        long later = 10 * SECOND;

        for (int i = 0; i < 5; i++) {
            assertThat(guard.acquire(later)).isZero();
        }
        assertThat(guard.acquire(later)).isPositive();
    }

    @Test
    void aRateOfZeroNeverLimits() {
        var guard = new RequestGuard(0, 1, 0, 0);

        for (int i = 0; i < 10_000; i++) {
            assertThat(guard.acquire(0)).isZero();
        }
    }

    @Test
    void theConnectionEndsAtTheRefusalCountAndAnAcceptedRequestResetsIt() {
        var guard = new RequestGuard(0, 1, 3, 0);

        assertThat(guard.refused()).isFalse();
        assertThat(guard.refused()).isFalse();
        guard.accepted();
        assertThat(guard.refused()).isFalse();
        assertThat(guard.refused()).isFalse();
        assertThat(guard.refused()).isTrue();
    }

    @Test
    void aRefusalCountOfZeroNeverEndsTheConnection() {
        var guard = new RequestGuard(0, 1, 0, 0);

        for (int i = 0; i < 1_000; i++) {
            assertThat(guard.refused()).isFalse();
        }
    }
}
