package dev.lifeline.testkit.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when told to. Thread-safe. */
public final class SimClock implements InstantSource {
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    public SimClock() {
        this(DEFAULT_START);
    }

    public SimClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock forward; a negative duration is refused (use {@link #set} to go back on purpose). */
    public Instant advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock only advances; got " + duration);
        }
        return now.updateAndGet(t -> t.plus(duration));
    }

    /** Sets the clock, backwards too (to simulate a clock jump). */
    public void set(Instant instant) {
        now.set(instant);
    }
}
