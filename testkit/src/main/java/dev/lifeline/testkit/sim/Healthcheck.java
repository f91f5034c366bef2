package dev.lifeline.testkit.sim;

import java.time.Duration;

/** How a {@link FakeEngine} container's healthcheck behaves after each start. */
public sealed interface Healthcheck {

    /** No healthcheck: health is {@code NONE}. */
    record None() implements Healthcheck {}

    /** STARTING, then HEALTHY on the {@code probes}-th read of the container (inspect or list) after a start. */
    record AfterProbes(int probes) implements Healthcheck {
        public AfterProbes {
            if (probes < 1) {
                throw new IllegalArgumentException("probes must be >= 1, got " + probes);
            }
        }
    }

    /** STARTING, then HEALTHY once the container has been up {@code after} on the {@link SimClock}. */
    record AfterDuration(Duration after) implements Healthcheck {}

    /** STARTING forever. */
    record Never() implements Healthcheck {}

    static Healthcheck none() {
        return new None();
    }

    static Healthcheck afterProbes(int probes) {
        return new AfterProbes(probes);
    }

    static Healthcheck after(Duration duration) {
        return new AfterDuration(duration);
    }

    static Healthcheck never() {
        return new Never();
    }
}
