package dev.lifeline.core.fleet;

import static dev.lifeline.core.fleet.WorkloadStatus.ERROR;
import static dev.lifeline.core.fleet.WorkloadStatus.PAUSED;
import static dev.lifeline.core.fleet.WorkloadStatus.RUNNING;
import static dev.lifeline.core.fleet.WorkloadStatus.STOPPED;

import java.time.Duration;
import java.time.Instant;

/**
 * The active rules for one workload record against its host's latest report (see {@link HostReconciler} for the
 * table). A verdict depends on the record and the report only, never on the clock: a grace has run out when the
 * report was received after it ran out, so that absence is inferred only from a report that could show the change.
 */
final class WorkloadRules {
    private WorkloadRules() {}

    /** What the rules say about one record. */
    sealed interface Verdict {
        /** The record stands: it agrees with the report, or only news can change it. */
        record Stand() implements Verdict {}

        /**
         * The record changes to {@code next}.
         *
         * @param fromAbsence inferred from the stack's absence from the report (orphaned): held during a mass silence
         */
        record Settle(WorkloadStatus next, String reason, boolean audited, boolean fromAbsence) implements Verdict {}

        /** Stopped in the records, paused on the host: destroy it (held during a mass silence). */
        record Destroy(String reason) implements Verdict {}

        /** Nothing yet: a grace runs out at {@code deadline}; a report received from then on decides. */
        record Wait(Instant deadline) implements Verdict {}
    }

    private static final Verdict STAND = new Verdict.Stand();

    /**
     * @param seen the stack in the report, or null when the report does not list it
     */
    static Verdict judge(WorkloadRecord row, ReportedWorkload seen, HostReport report, MonitorRules rules) {
        Evidence e = new Evidence(row, seen, report);
        return switch (row.status()) {
            case MISSING -> missing(e);
            case RUNNING -> running(e);
            case STOPPED -> stopped(e);
            case PAUSED -> paused(e);
            case ERROR -> error(e);
            case STARTING, RESUMING -> changing(e, RUNNING, rules.transientGrace());
            case PAUSING -> changing(e, PAUSED, rules.transientGrace());
            case STOPPING -> changing(e, STOPPED, rules.transientGrace());
            case SNAPSHOTTING -> snapshotting(e, rules);
        };
    }

    /** The host was unreachable and is back: what it reports is the truth, a quiet restore when it is running. */
    private static Verdict missing(Evidence e) {
        if (e.absent()) {
            return orphaned("the host is back and its report of " + e.reportAt() + " does not list it");
        }
        if (e.seenTransient()) {
            return STAND;
        }
        String reason = "the host is back: " + e.observed();
        return new Verdict.Settle(e.seen(), reason, e.seen() != RUNNING, false);
    }

    private static Verdict running(Evidence e) {
        if (e.absent()) {
            return orphaned("absent from the host's report of " + e.reportAt());
        }
        return e.seenTransient() || e.seen() == RUNNING ? STAND : settle(e.seen(), e.observed());
    }

    private static Verdict stopped(Evidence e) {
        if (e.absent() || e.seenTransient()) {
            return STAND;
        }
        return switch (e.seen()) {
            case PAUSED -> new Verdict.Destroy("zombie: recorded stopped but " + e.observed()
                    + ", holding its memory: destroying it");
            case RUNNING -> settle(RUNNING, "started outside the control plane: " + e.observed());
            case ERROR -> settle(ERROR, e.observed());
            default -> STAND;
        };
    }

    private static Verdict paused(Evidence e) {
        if (e.absent()) {
            return orphaned("absent from the host's report of " + e.reportAt());
        }
        return e.seenTransient() || e.seen() == PAUSED ? STAND : settle(e.seen(), e.observed());
    }

    private static Verdict error(Evidence e) {
        if (e.absent() || e.seenTransient() || e.seen() == ERROR) {
            return STAND;
        }
        return settle(e.seen(), e.observed());
    }

    /**
     * Starting/resuming (target running), pausing (paused), stopping (stopped): the target reported completes the
     * command at once; anything else settled, or absence, decides only from a report received past the grace. A
     * stack gone past the grace is an error after a start or resume, and stopped after a pause or a stop (the seed
     * settled an absent pausing stack as paused, which the next pass then stopped as orphaned: two audited changes
     * for one fact, the first untrue).
     */
    private static Verdict changing(Evidence e, WorkloadStatus target, Duration grace) {
        String command = command(e.row().status());
        if (e.seenTransient()) {
            return STAND;
        }
        if (!e.absent() && e.seen() == target) {
            return settle(target, "the " + command + " completed: " + e.observed());
        }
        Instant deadline = e.row().statusSince().plus(grace);
        if (e.reportedBefore(deadline)) {
            return new Verdict.Wait(deadline);
        }
        String held = e.heldFor(grace, "grace");
        if (!e.absent()) {
            return settle(e.seen(), held + " and " + e.observed() + ": the " + command + " did not take");
        }
        String absent = held + " and absent from the host's report of " + e.reportAt();
        return target == RUNNING ? settle(ERROR, absent + ": the " + command + " did not take")
                : settle(STOPPED, absent + ": the stack is gone");
    }

    /**
     * A backup holds the stack: alive, it keeps the status until the snapshot grace has run out (a report from then
     * on restores what the host reports); down or absent, it is settled after the transient grace.
     */
    private static Verdict snapshotting(Evidence e, MonitorRules rules) {
        if (e.seenTransient()) {
            return STAND;
        }
        boolean alive = !e.absent() && e.seen().isAliveOnHost();
        Duration grace = alive ? rules.snapshotGrace() : rules.transientGrace();
        Instant deadline = e.row().statusSince().plus(grace);
        if (e.reportedBefore(deadline)) {
            return new Verdict.Wait(deadline);
        }
        String held = e.heldFor(grace, alive ? "snapshot grace" : "grace");
        if (alive) {
            return settle(e.seen(), held + " and " + e.observed() + ": the backup no longer holds it");
        }
        if (e.absent()) {
            return settle(ERROR, held + " and absent from the host's report of " + e.reportAt()
                    + ": the stack is gone");
        }
        return settle(e.seen(), held + " and " + e.observed() + ": the backup left it " + e.seen().wireName());
    }

    private static Verdict settle(WorkloadStatus next, String reason) {
        return new Verdict.Settle(next, reason, true, false);
    }

    private static Verdict orphaned(String why) {
        return new Verdict.Settle(STOPPED, "orphaned: " + why, true, true);
    }

    private static String command(WorkloadStatus transientStatus) {
        return switch (transientStatus) {
            case STARTING -> "start";
            case RESUMING -> "resume";
            case PAUSING -> "pause";
            case STOPPING -> "stop";
            case SNAPSHOTTING -> "backup";
            default -> throw new IllegalArgumentException(transientStatus + " is not a command's status");
        };
    }

    /** The record, the stack as the report lists it (null: absent), and the report. */
    private record Evidence(WorkloadRecord row, ReportedWorkload listed, HostReport report) {
        /** Not listed in the report at all. */
        boolean absent() {
            return listed == null;
        }

        WorkloadStatus seen() {
            return listed.status();
        }

        boolean seenTransient() {
            return listed != null && listed.status().isTransient();
        }

        boolean reportedBefore(Instant deadline) {
            return report.receivedAt().isBefore(deadline);
        }

        String reportAt() {
            return AuditText.at(report.receivedAt());
        }

        /** {@code running on the host (report of ...)}, with the host's detail when it gave one. */
        String observed() {
            String detail = listed.detail() == null || listed.detail().isBlank() ? "" : " (" + listed.detail() + ")";
            return listed.status().wireName() + " on the host" + detail + " in its report of " + reportAt();
        }

        /** {@code starting for 2m10s (grace 2m)}: how long the record had the status when the report came. */
        String heldFor(Duration grace, String graceName) {
            return row.status().wireName() + " for "
                    + AuditText.span(Duration.between(row.statusSince(), report.receivedAt())) + " (" + graceName + " "
                    + AuditText.span(grace) + ")";
        }
    }
}
