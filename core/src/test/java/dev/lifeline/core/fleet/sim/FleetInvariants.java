package dev.lifeline.core.fleet.sim;

import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.sim.SimStore.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What must hold in the simulated fleet, checked after every event (and at the moments the monitor acts):
 * <ol>
 *   <li>Silence is not death: a workload is set stopped or error, or destroyed, only on the evidence of a report
 *       that shows it so, received after the workload took its status (but when the report completes the user's
 *       stop); never while its host is only silent.</li>
 *   <li>Every status change the system infers is audited, but the quiet restore of a missing workload found
 *       running.</li>
 *   <li>No transient status outlives its grace (plus the operation, a heartbeat, a pass and the executor's delay)
 *       while its host reports.</li>
 *   <li>Once a host is left undisturbed long enough, its records agree with what it runs.</li>
 *   <li>A control plane cut off from every host marks none of them unreachable while the cut lasts, and nothing
 *       destructive runs while a mass silence is held.</li>
 * </ol>
 */
final class FleetInvariants {
    private final SimFleet fleet;
    private int changesChecked;

    /**
     * How long a transient may last while its host reports: its grace (or its operation, if longer: the agent reports
     * the transient while the operation holds the stack), then a heartbeat, a pass and the executor's delay.
     */
    private final Duration transientBound;
    private final Duration snapshotBound;

    FleetInvariants(SimFleet fleet) {
        this.fleet = fleet;
        Duration slack = fleet.maxHeartbeatGap().plus(fleet.monitorInterval).plus(SimFleet.MAX_APPLY_DELAY)
                .plusSeconds(2);
        this.transientBound = max(fleet.rules.transientGrace(), SimHost.LONGEST_COMMAND).plus(slack);
        this.snapshotBound = fleet.rules.snapshotGrace().plus(slack);
    }

    void afterStep() {
        everyChangeIsAuditedAndSilenceIsNotDeath();
        noTransientOutlivesItsGraceWhileItsHostReports();
        undisturbedHostsHaveConverged(false);
    }

    void everyHostHasConverged() {
        undisturbedHostsHaveConverged(true);
    }

    private void everyChangeIsAuditedAndSilenceIsNotDeath() {
        var changes = fleet.store.changes;
        for (; changesChecked < changes.size(); changesChecked++) {
            Change c = changes.get(changesChecked);
            if (!c.audited()) {
                check(c.actor().equals("system") && c.before() == WorkloadStatus.MISSING
                        && c.after() == WorkloadStatus.RUNNING, () -> "an unaudited change: " + c);
            }
            boolean down = c.after() == WorkloadStatus.STOPPED || c.after() == WorkloadStatus.ERROR;
            if (c.actor().equals("system") && down && c.before() != null) {
                HostReport evidence = c.evidence();
                check(evidence != null, () -> "set " + c.after() + " without a report: " + c);
                ReportedWorkload seen = listed(evidence, c.workload());
                check(seen == null || !seen.status().isAliveOnHost(), () -> "set " + c.after() + " while its report "
                        + "shows it " + seen + ": " + c);
                boolean completesStop = c.before() == WorkloadStatus.STOPPING && c.after() == WorkloadStatus.STOPPED;
                Instant delivered = fleet.store.deliveredAt.get(c.host() + "/" + c.workload());
                check(!c.before().isTransient() || completesStop || delivered == null
                        || delivered.isBefore(c.beforeBasis()) || evidence.receivedAt().isAfter(delivered), () ->
                        "set " + c.after() + " from a report of " + evidence.receivedAt() + ", sent before the agent "
                                + "had its command (delivered " + delivered + "): " + c);
                check(completesStop || evidence.receivedAt().isAfter(c.beforeBasis()), () -> "set " + c.after()
                        + " from a report of " + evidence.receivedAt() + ", no newer than what its status was known "
                        + "from (" + c.beforeBasis() + "): " + c);
            }
        }
    }

    void zombieIsPausedInItsEvidence(DestroyZombie zombie, HostReport evidence) {
        ReportedWorkload seen = listed(evidence, zombie.workload());
        check(seen != null && seen.status() == WorkloadStatus.PAUSED, () -> "destroy of " + zombie.workload()
                + " that its report does not show paused: " + seen);
    }

    void noDestructiveActionUnderAHold(SimMonitor.Planned planned) {
        HostReport evidence = planned.evidence();
        for (MonitorAction action : planned.plan().actions()) {
            check(!(action instanceof DestroyZombie), () -> "a zombie destroyed during a mass silence: " + action);
            if (action instanceof SettleWorkload s && !s.expected().isTransient()) {
                check(listed(evidence, s.workload()) != null, () -> "an orphaned inference during a mass silence: "
                        + action);
            }
        }
    }

    void notMarkedDuringATotalCut(UUID host) {
        check(!(fleet.totalCut && fleet.reportingAtTotalCut.size() >= fleet.rules.massSilenceMinHosts()
                && fleet.reportingAtTotalCut.contains(host)), () -> "host " + fleet.hostOf(host).index
                + " marked unreachable while the control plane was cut off from all "
                + fleet.reportingAtTotalCut.size() + " hosts that reported");
    }

    private void noTransientOutlivesItsGraceWhileItsHostReports() {
        for (SimHost host : fleet.hosts) {
            if (host.connectedSince == null) {
                continue;
            }
            for (SimStore.Row row : fleet.store.rows.get(host.id).values()) {
                if (!row.status.isTransient()) {
                    continue;
                }
                Duration bound = row.status == WorkloadStatus.SNAPSHOTTING ? snapshotBound : transientBound;
                Instant since = latest(row.statusSince, latest(host.connectedSince, fleet.replicaUpSince));
                check(!fleet.now.isAfter(since.plus(bound)), () -> row.name + " on host " + host.index
                        + " still " + row.status + " since " + row.statusSince + " while its host reports (since "
                        + host.connectedSince + ")");
            }
        }
    }

    private void undisturbedHostsHaveConverged(boolean atTheEnd) {
        if (fleet.monitor.holding() || !fleet.replicaUp) {
            check(!atTheEnd, () -> "the fleet ends held or with its replica down");
            return;
        }
        for (SimHost host : fleet.hosts) {
            if (host.connectedSince == null) {
                check(!atTheEnd, () -> "host " + host.index + " still cut off at the end");
                continue;
            }
            Instant quietSince = latest(host.disturbedAt, latest(fleet.replicaUpSince, fleet.holdChangedAt));
            if (fleet.now.isBefore(quietSince.plus(fleet.settleTime()))) {
                check(!atTheEnd, () -> "host " + host.index + " disturbed too late to settle");
                continue;
            }
            String where = "host " + host.index + " undisturbed since " + quietSince + ": ";
            check(fleet.store.hosts.get(host.id).status == HostStatus.ONLINE, () -> where + "not online");
            Map<String, SimStore.Row> rows = fleet.store.rows.get(host.id);
            host.stacks.forEach((name, stack) -> {
                SimStore.Row row = rows.get(name);
                check(row != null && row.status == stack.status, () -> where + name + " runs " + stack.status
                        + " but is recorded " + (row == null ? "nowhere" : row.status));
            });
            rows.forEach((name, row) -> check(host.stacks.containsKey(name) || row.status == WorkloadStatus.STOPPED
                    || row.status == WorkloadStatus.ERROR, () -> where + name + " is gone but recorded " + row.status));
        }
    }

    private static ReportedWorkload listed(HostReport report, String name) {
        if (report == null) {
            return null;
        }
        Optional<ReportedWorkload> found = report.workloads().stream().filter(w -> w.name().equals(name)).findFirst();
        return found.orElse(null);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The message is built only when the invariant is broken: checks run after every event. */
    private void check(boolean holds, Supplier<String> what) {
        if (!holds) {
            throw new AssertionError("invariant broken at +" + Duration.between(SimFleet.T0, fleet.now).toSeconds()
                    + "s (step " + fleet.steps + "): " + what.get());
        }
    }
}
