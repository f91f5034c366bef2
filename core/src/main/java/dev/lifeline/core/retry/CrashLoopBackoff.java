package dev.lifeline.core.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Restart delays for a stack that keeps crashing, the way Kubernetes backs off a crash-looping pod: the delay
 * doubles with each consecutive crash up to a maximum, and a stack that stayed up long enough starts afresh.
 */
public final class CrashLoopBackoff {
    private final Config config;

    public CrashLoopBackoff(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /**
     * @param initialDelay delay after the first crash of a streak; more than 0
     * @param maxDelay     no delay is longer; at least initialDelay
     * @param resetAfter   a stack up at least this long before it crashed starts a new streak; more than 0
     */
    public record Config(Duration initialDelay, Duration maxDelay, Duration resetAfter) {
        public static final Config DEFAULT = new Config(Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofMinutes(10));

        public Config {
            if (initialDelay == null || initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException("crash-backoff.initial-delay must be > 0s, got "
                        + DurationText.of(initialDelay));
            }
            if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("crash-backoff.max-delay must be >= crash-backoff.initial-delay, got "
                        + DurationText.of(maxDelay) + " < " + DurationText.of(initialDelay));
            }
            if (resetAfter == null || resetAfter.isNegative() || resetAfter.isZero()) {
                throw new IllegalArgumentException("crash-backoff.reset-after must be > 0s, got "
                        + DurationText.of(resetAfter));
            }
        }
    }

    /**
     * A stack's crash streak.
     *
     * @param consecutiveCrashes crashes since the streak began; 0 for a stack that has not crashed
     * @param delay              the delay decided after the last crash (zero before any)
     * @param lastCrashAt        when the last crash was seen
     */
    public record State(int consecutiveCrashes, Duration delay, Optional<Instant> lastCrashAt) {
        public static final State INITIAL = new State(0, Duration.ZERO, Optional.empty());

        public State {
            if (consecutiveCrashes < 0) {
                throw new IllegalArgumentException("consecutiveCrashes must be >= 0, got " + consecutiveCrashes);
            }
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("delay must be >= 0s, got " + DurationText.of(delay));
            }
        }

        /** When the stack may be restarted after its last crash; empty when it has not crashed. */
        public Optional<Instant> nextRestartAt() {
            return lastCrashAt.map(at -> at.plus(delay));
        }
    }

    /** Wait {@code delay}, then restart at {@code nextRestartAt}; keep {@code state} for the next crash. */
    public record Decision(Duration delay, Instant nextRestartAt, State state) {}

    /**
     * Decides the delay after a crash seen at {@code now} of a stack that had started at {@code startedAt}.
     * A start later than {@code now} (clock skew) counts as no time up.
     */
    public Decision onCrash(State state, Instant startedAt, Instant now) {
        Duration up = Duration.between(startedAt, now);
        boolean stayedUp = up.compareTo(config.resetAfter()) >= 0;
        int crashes = stayedUp ? 1 : saturatedIncrement(state.consecutiveCrashes());
        Duration delay = delayFor(crashes);
        State next = new State(crashes, delay, Optional.of(now));
        return new Decision(delay, now.plus(delay), next);
    }

    /** The delay after the {@code crashes}-th consecutive crash: initial * 2^(crashes - 1), capped at the maximum. */
    public Duration delayFor(int crashes) {
        if (crashes < 1) {
            throw new IllegalArgumentException("crashes start at 1, got " + crashes);
        }
        Duration delay = config.initialDelay();
        Duration half = config.maxDelay().dividedBy(2);
        for (int i = 1; i < crashes; i++) {
            if (delay.compareTo(half) > 0) {
                return config.maxDelay();
            }
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    /** When the stack may be restarted, given its state. */
    public Optional<Instant> nextRestartAt(State state) {
        return state.nextRestartAt();
    }

    private static int saturatedIncrement(int value) {
        return value == Integer.MAX_VALUE ? value : value + 1;
    }
}
