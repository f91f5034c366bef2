package dev.lifeline.core.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently to retry an operation: exponential backoff with jitter, capped.
 *
 * @param maxAttempts    attempts in all, the first included; at least 1
 * @param initialDelay   delay before the second attempt (before jitter); 0 or more, at most maxDelay
 * @param maxDelay       no delay is longer
 * @param multiplier     growth of the delay per attempt; at least 1
 * @param jitter         fraction in [0, 1] of a delay that may be cut at random, so retries spread out
 * @param attemptTimeout how long one attempt may take; more than 0
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter,
        Duration attemptTimeout) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0,
            0.2, Duration.ofSeconds(60));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw invalid("retry.max-attempts must be >= 1, got " + maxAttempts);
        }
        requireSet("retry.initial-delay", initialDelay);
        requireSet("retry.max-delay", maxDelay);
        requireSet("retry.attempt-timeout", attemptTimeout);
        if (initialDelay.isNegative()) {
            throw invalid("retry.initial-delay must be >= 0s, got " + DurationText.of(initialDelay));
        }
        if (maxDelay.isNegative()) {
            throw invalid("retry.max-delay must be >= 0s, got " + DurationText.of(maxDelay));
        }
        if (initialDelay.compareTo(maxDelay) > 0) {
            throw invalid("retry.initial-delay must be <= retry.max-delay, got " + DurationText.of(initialDelay)
                    + " > " + DurationText.of(maxDelay));
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw invalid("retry.multiplier must be a finite number >= 1, got " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw invalid("retry.jitter must be between 0 and 1, got " + jitter);
        }
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw invalid("retry.attempt-timeout must be > 0s, got " + DurationText.of(attemptTimeout));
        }
    }

    /** True when another attempt may follow attempt number {@code attempt} (1-based). */
    public boolean allowsAttemptAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The longest delay before attempt number {@code attempt} (1-based): zero for the first, then
     * initialDelay * multiplier^(attempt - 2), capped at maxDelay. Non-decreasing in {@code attempt}.
     */
    public Duration upperBound(int attempt) {
        requireAttempt(attempt);
        if (attempt == 1) {
            return Duration.ZERO;
        }
        double nanos = initialDelay.toNanos() * Math.pow(multiplier, attempt - 2);
        long max = maxDelay.toNanos();
        return Duration.ofNanos(nanos >= max ? max : Math.round(nanos));
    }

    /** The lowest delay before attempt {@code attempt}: the upper bound minus the jitter fraction of it. */
    public Duration lowerBound(int attempt) {
        long upper = upperBound(attempt).toNanos();
        return Duration.ofNanos(Math.max(0, upper - Math.round(upper * jitter)));
    }

    /** The delay to wait before attempt {@code attempt}, drawn uniformly between the lower and upper bound. */
    public Duration delayBefore(int attempt, RandomGenerator random) {
        long upper = upperBound(attempt).toNanos();
        long lower = lowerBound(attempt).toNanos();
        if (upper == lower) {
            return Duration.ofNanos(upper);
        }
        long drawn = lower + Math.round(random.nextDouble() * (upper - lower));
        return Duration.ofNanos(Math.min(upper, Math.max(lower, drawn)));
    }

    private static void requireAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
        }
    }

    private static void requireSet(String field, Duration value) {
        if (value == null) {
            throw invalid(field + " must be set");
        }
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(message);
    }
}
