package dev.lifeline.control.monitor;

import dev.lifeline.core.fleet.MonitorRules;
import java.time.Duration;

/**
 * How the host monitor runs.
 *
 * @param interval time between passes ({@code --monitor-interval}, default 10 s)
 * @param leasePeriod how long a host's lease outlives its holder's last pass: a dead replica's hosts go to the others
 *     after this (default three intervals, so one slow pass never loses a lease)
 * @param rules the thresholds and grace periods of the decisions
 */
public record MonitorSettings(Duration interval, Duration leasePeriod, MonitorRules rules) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    public MonitorSettings {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("monitor-interval must be positive, got " + interval);
        }
        if (leasePeriod == null || leasePeriod.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("lease-period must be longer than monitor-interval (" + interval
                    + "), got " + leasePeriod);
        }
    }

    public static MonitorSettings defaults() {
        return of(DEFAULT_INTERVAL, MonitorRules.defaults());
    }

    /** With the default lease period: three intervals. */
    public static MonitorSettings of(Duration interval, MonitorRules rules) {
        return new MonitorSettings(interval, interval.multipliedBy(3), rules);
    }
}
