package dev.lifeline.agent.control;

import java.time.Duration;

/**
 * When the next heartbeat (or long-poll) goes. After a success: the interval, jittered by up to ±10% so that a fleet
 * started together does not beat together. After {@code failures} failures in a row: 1 s, doubling, at most the
 * interval, jittered the same way, so that a control plane back from an outage is not met by every agent at once and
 * still hears from each within an interval.
 */
public final class HeartbeatSchedule {
    static final double JITTER = 0.1;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private HeartbeatSchedule() {}

    /** @param sample a uniform random number in [0, 1): where in the ±10% band this delay falls */
    public static Duration next(Duration interval, int failures, double sample) {
        Duration base = interval;
        if (failures > 0) {
            Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(20, failures - 1));
            base = backoff.compareTo(interval) < 0 ? backoff : interval;
        }
        double factor = 1 + JITTER * (2 * sample - 1);
        return Duration.ofNanos(Math.round(base.toNanos() * factor));
    }
}
