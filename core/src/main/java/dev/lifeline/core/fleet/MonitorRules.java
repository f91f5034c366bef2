package dev.lifeline.core.fleet;

import java.time.Duration;

/**
 * The host monitor's thresholds.
 *
 * @param unreachableAfter silence after which an online host is unreachable (default 3 missed beats: 90 s)
 * @param transientGrace how long a starting/stopping/pausing/resuming workload may be absent before it is settled by
 *     inference (default 2 min)
 * @param snapshotGrace how long a snapshotting workload keeps that status while alive (default 15 min)
 * @param massSilenceShare share of tracked hosts that, going silent within one threshold, holds every destructive
 *     step (default 0.5: more than half)
 * @param massSilenceMinHosts fewer tracked hosts than this never count as a mass silence (default 3)
 * @param failoverGrace a host's silence counts only this long after this replica started or took its lease (default:
 *     one threshold), since a stale heartbeat may be the control plane's own downtime
 */
public record MonitorRules(Duration unreachableAfter, Duration transientGrace, Duration snapshotGrace,
        double massSilenceShare, int massSilenceMinHosts, Duration failoverGrace) {

    public static MonitorRules defaults() {
        Duration threshold = Duration.ofSeconds(90);
        return new MonitorRules(threshold, Duration.ofMinutes(2), Duration.ofMinutes(15), 0.5, 3, threshold);
    }

    public MonitorRules {
        requirePositive("unreachable-after", unreachableAfter);
        requirePositive("transient-grace", transientGrace);
        requirePositive("snapshot-grace", snapshotGrace);
        if (failoverGrace == null || failoverGrace.isNegative()) {
            throw new IllegalArgumentException("failover-grace must be zero or more, got " + failoverGrace);
        }
        if (!(massSilenceShare > 0 && massSilenceShare <= 1)) {
            throw new IllegalArgumentException("mass-silence-share must be in (0, 1], got " + massSilenceShare);
        }
        if (massSilenceMinHosts < 1) {
            throw new IllegalArgumentException("mass-silence-min-hosts must be at least 1, got " + massSilenceMinHosts);
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive, got " + d);
        }
    }
}
