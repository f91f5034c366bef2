package dev.lifeline.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Provide
    Arbitrary<RetryPolicy> policies() {
        Arbitrary<Long> initialMs = Arbitraries.longs().between(0, 10_000);
        Arbitrary<Long> extraMs = Arbitraries.longs().between(0, 600_000);
        Arbitrary<Double> multiplier = Arbitraries.doubles().between(1.0, 10.0);
        Arbitrary<Double> jitter = Arbitraries.doubles().between(0.0, 1.0);
        return Combinators.combine(initialMs, extraMs, multiplier, jitter).as((i, e, m, j) -> new RetryPolicy(5,
                Duration.ofMillis(i), Duration.ofMillis(i + e), m, j, Duration.ofSeconds(60)));
    }

    @Property
    void theFirstAttemptIsNeverDelayed(@ForAll("policies") RetryPolicy policy, @ForAll long seed) {
        assertThat(policy.delayBefore(1, new SplittableRandom(seed))).isZero();
    }

    @Property
    void everyDelayLiesWithinItsJitteredBoundsAndNeverAboveTheMaximum(@ForAll("policies") RetryPolicy policy,
            @ForAll @IntRange(min = 1, max = 200) int attempt, @ForAll long seed) {
        Duration delay = policy.delayBefore(attempt, new SplittableRandom(seed));
        Duration upper = policy.upperBound(attempt);
        assertThat(delay).isBetween(policy.lowerBound(attempt), upper);
        assertThat(delay.isNegative()).isFalse();
        assertThat(upper).isLessThanOrEqualTo(policy.maxDelay());
        long jitteredFloor = (long) Math.floor(upper.toNanos() * (1 - policy.jitter())) - 1;
        assertThat(delay.toNanos()).isGreaterThanOrEqualTo(jitteredFloor);
    }

    @Property
    void theUpperBoundNeverDecreases(@ForAll("policies") RetryPolicy policy,
            @ForAll @IntRange(min = 1, max = 200) int attempt) {
        assertThat(policy.upperBound(attempt + 1)).isGreaterThanOrEqualTo(policy.upperBound(attempt));
    }

    @Test
    void theDefaultsAreFiveAttemptsFromOneToThirtySeconds() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(policy.attemptTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.jitter()).isEqualTo(0.2);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(policy::upperBound))
                .containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                        Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30));
        assertThat(policy.lowerBound(3)).isEqualTo(Duration.ofMillis(1600));
        assertThat(policy.allowsAttemptAfter(4)).isTrue();
        assertThat(policy.allowsAttemptAfter(5)).isFalse();
    }

    @Test
    void withoutJitterTheDelayIsExact() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(5), 3.0, 0.0,
                Duration.ofSeconds(1));
        assertThat(policy.delayBefore(2, new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayBefore(3, new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void hugeAttemptNumbersAreCappedNotOverflowed() {
        assertThat(RetryPolicy.DEFAULT.upperBound(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void attemptNumbersStartAtOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.DEFAULT.upperBound(0))
                .withMessage("attempt numbers start at 1, got 0");
    }

    private static RetryPolicy policy(int attempts, Duration initial, Duration max, double multiplier, double jitter,
            Duration timeout) {
        return new RetryPolicy(attempts, initial, max, multiplier, jitter, timeout);
    }

    @Test
    void invalidSettingsAreRejectedNamingTheFieldAndTheValue() {
        Duration s1 = Duration.ofSeconds(1);
        assertThatIllegalArgumentException().isThrownBy(() -> policy(0, s1, s1, 2, 0.2, s1))
                .withMessage("retry.max-attempts must be >= 1, got 0");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, Duration.ofSeconds(5), s1, 2, 0.2, s1))
                .withMessage("retry.initial-delay must be <= retry.max-delay, got 5s > 1s");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, Duration.ofMillis(-5), s1, 2, 0.2, s1))
                .withMessage("retry.initial-delay must be >= 0s, got -5ms");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, s1, s1, 0.5, 0.2, s1))
                .withMessage("retry.multiplier must be a finite number >= 1, got 0.5");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, s1, s1, Double.NaN, 0.2, s1))
                .withMessage("retry.multiplier must be a finite number >= 1, got NaN");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, s1, s1, 2, 1.5, s1))
                .withMessage("retry.jitter must be between 0 and 1, got 1.5");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, s1, s1, 2, -0.1, s1))
                .withMessage("retry.jitter must be between 0 and 1, got -0.1");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, s1, s1, 2, 0.2, Duration.ZERO))
                .withMessage("retry.attempt-timeout must be > 0s, got 0s");
        assertThatIllegalArgumentException().isThrownBy(() -> policy(1, null, s1, 2, 0.2, s1))
                .withMessage("retry.initial-delay must be set");
        assertThatIllegalArgumentException().isThrownBy(
                () -> policy(1, Duration.ofMinutes(90).plusSeconds(3), Duration.ofMinutes(61), 2, 0.2, s1))
                .withMessage("retry.initial-delay must be <= retry.max-delay, got 1h30m3s > 1h1m");
    }
}
