package dev.lifeline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CrashLoopBackoffTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final CrashLoopBackoff backoff = new CrashLoopBackoff(CrashLoopBackoff.Config.DEFAULT);

    @Test
    void delaysDoubleFromTenSecondsUpToFiveMinutes() {
        CrashLoopBackoff.State state = CrashLoopBackoff.State.INITIAL;
        Instant now = T0;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Instant startedAt = now.plusSeconds(1);
            now = startedAt.plusSeconds(5); // up 5 s, then crashes
            CrashLoopBackoff.Decision decision = backoff.onCrash(state, startedAt, now);
            delays.add(decision.delay().toSeconds());
            assertThat(decision.nextRestartAt()).isEqualTo(now.plus(decision.delay()));
            assertThat(backoff.nextRestartAt(decision.state())).contains(decision.nextRestartAt());
            state = decision.state();
            now = decision.nextRestartAt();
        }
        assertThat(delays).containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L);
        assertThat(state.consecutiveCrashes()).isEqualTo(7);
    }

    @Test
    void aStackUpForTenMinutesBeforeCrashingStartsAFreshStreak() {
        CrashLoopBackoff.State state = CrashLoopBackoff.State.INITIAL;
        for (int i = 0; i < 4; i++) {
            state = backoff.onCrash(state, T0, T0.plusSeconds(1)).state();
        }
        assertThat(state.delay()).isEqualTo(Duration.ofSeconds(80));
        Instant startedAt = T0.plusSeconds(100);
        var afterLongRun = backoff.onCrash(state, startedAt, startedAt.plus(Duration.ofMinutes(10)));
        assertThat(afterLongRun.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(afterLongRun.state().consecutiveCrashes()).isEqualTo(1);
        var justShort = backoff.onCrash(state, startedAt, startedAt.plus(Duration.ofMinutes(10)).minusMillis(1));
        assertThat(justShort.delay()).isEqualTo(Duration.ofSeconds(160));
    }

    @Test
    void aStartAfterTheCrashTimeCountsAsNoTimeUp() {
        var decision = backoff.onCrash(CrashLoopBackoff.State.INITIAL, T0.plusSeconds(60), T0);
        assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aStackThatNeverCrashedHasNoRestartTime() {
        assertThat(CrashLoopBackoff.State.INITIAL.nextRestartAt()).isEmpty();
    }

    @Property
    void theDelayNeverExceedsTheMaximumAndNeverShrinksWithinAStreak(
            @ForAll @IntRange(min = 1, max = 100_000) int crashes) {
        Duration delay = backoff.delayFor(crashes);
        assertThat(delay).isBetween(Duration.ofSeconds(10), Duration.ofMinutes(5));
        assertThat(backoff.delayFor(crashes + 1)).isGreaterThanOrEqualTo(delay);
    }

    @Test
    void invalidConfigIsRejectedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CrashLoopBackoff.Config(Duration.ZERO,
                Duration.ofMinutes(5), Duration.ofMinutes(10)))
                .withMessage("crash-backoff.initial-delay must be > 0s, got 0s");
        assertThatIllegalArgumentException().isThrownBy(() -> new CrashLoopBackoff.Config(Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofMinutes(10)))
                .withMessage("crash-backoff.max-delay must be >= crash-backoff.initial-delay, got 5s < 10s");
        assertThatIllegalArgumentException().isThrownBy(() -> new CrashLoopBackoff.Config(Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofSeconds(-1)))
                .withMessage("crash-backoff.reset-after must be > 0s, got -1s");
    }
}
