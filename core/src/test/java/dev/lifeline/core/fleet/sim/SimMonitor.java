package dev.lifeline.core.fleet.sim;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.HostPlan;
import dev.lifeline.core.fleet.HostReconciler;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.EndMassSilenceHold;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.SilenceGuard;
import dev.lifeline.core.fleet.SilenceHold;
import dev.lifeline.core.fleet.SilenceVerdict;
import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.sim.SimStore.HostRow;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One control-plane replica's host monitor, as the real one is meant to work: the silence guard over every host,
 * then a plan for each reachable host with news (a report past the one reconciled) or a due check, applied a moment
 * later by an honest executor (compare-and-set on the expected status, an audit event per audited action), which
 * then stores the reconciled sequence and the plan's next check.
 */
final class SimMonitor {
    /** A plan made from a snapshot, applied later. */
    record Planned(HostRow host, HostPlan plan, HostReport evidence, Instant nextCheckRead, boolean held,
            long epoch) {}

    private final SimFleet fleet;
    private final SimStore store;
    private final MonitorRules rules;
    Instant trackedSince;
    Optional<SilenceHold> hold = Optional.empty();
    /** Grows at every replica start: plans made by a previous life are never applied. */
    long epoch;

    SimMonitor(SimFleet fleet, Instant startedAt) {
        this.fleet = fleet;
        this.store = fleet.store;
        this.rules = fleet.rules;
        this.trackedSince = startedAt;
    }

    void restart(Instant now) {
        trackedSince = now;
        hold = Optional.empty();
        epoch++;
    }

    boolean holding() {
        return hold.isPresent();
    }

    void pass(Instant now) {
        List<HostView> views = store.hosts.values().stream().map(h -> h.view(trackedSince)).toList();
        SilenceVerdict verdict = SilenceGuard.check(views, hold, now, rules);
        if (fleet.trace != null && !verdict.actions().isEmpty()) {
            views.forEach(v -> fleet.note("  guard sees " + v));
        }
        for (MonitorAction action : verdict.actions()) {
            switch (action) {
                case MarkUnreachable m -> markUnreachable(m, now);
                case HoldForMassSilence h -> {
                    store.auditHost(now, null, "fleet.mass-silence-hold", h.reason());
                    fleet.holdChanged(now, true);
                }
                case EndMassSilenceHold e -> {
                    store.auditHost(now, null, "fleet.mass-silence-end", e.reason());
                    fleet.holdChanged(now, false);
                }
                default -> throw new AssertionError("the guard decided a workload action: " + action);
            }
        }
        hold = verdict.hold();
        for (HostRow host : store.hosts.values()) {
            boolean news = host.reportSeq > host.reconciledSeq;
            boolean due = host.nextCheckAt != null && !host.nextCheckAt.isAfter(now);
            if (host.status != HostStatus.UNREACHABLE && (news || due)) {
                plan(host, now);
            }
        }
    }

    /** Plans one host now (at a pass, or at once when its heartbeat brings it back from unreachable). */
    void plan(HostRow host, Instant now) {
        List<WorkloadRecord> rows = store.rows.get(host.id).values().stream().map(SimStore.Row::record).toList();
        HostPlan plan = HostReconciler.plan(host.view(trackedSince), rows, host.report, now, rules, holding());
        if (fleet.trace != null) {
            fleet.note("plan host " + fleet.hostOf(host.id).index + " from its report of "
                    + (host.report == null ? null : host.report.receivedAt()) + ": " + plan.actions().size()
                    + " actions, next check " + plan.nextCheck().orElse(null));
        }
        fleet.scheduleApply(new Planned(host, plan, host.report, host.nextCheckAt, holding(), epoch));
    }

    void apply(Planned p, Instant now) {
        if (p.epoch() != epoch) {
            return;
        }
        if (holding() && !p.held()) {
            // made before a hold began (a host back online is planned at once, beside the passes): not applied, the
            // host is planned again under the hold (FleetScenariosTest.aPlanMadeBeforeAMassSilenceHoldBegan...)
            p.host().nextCheckAt = now;
            return;
        }
        if (holding()) {
            fleet.invariants.noDestructiveActionUnderAHold(p);
        }
        HostRow host = p.host();
        for (MonitorAction action : p.plan().actions()) {
            if (fleet.trace != null) {
                fleet.note("apply " + action);
            }
            switch (action) {
                case SettleWorkload s -> store.setStatus(host.id, s.workloadId(), s.expected(), s.next(), now,
                        "system", s.reason(), s.audited(), p.evidence());
                case RecordWorkload r -> store.insert(host.id, r.workload(), r.status(), r.detail(), now, r.reason(),
                        p.evidence());
                case NoteDetail d -> {
                    SimStore.Row row = store.row(host.id, d.workloadId());
                    if (row != null) {
                        row.detail = d.detail();
                    }
                }
                case DestroyZombie z -> destroy(host, z, p.evidence(), now);
                default -> throw new AssertionError("a host's plan decided a fleet action: " + action);
            }
        }
        host.reconciledSeq = Math.max(host.reconciledSeq, p.evidence() == null ? 0 : p.evidence().sequence());
        host.nextCheckAt = nextCheck(host.nextCheckAt, p);
    }

    /**
     * The plan's next check, unless the host was made due meanwhile (a user's command): then the earlier of the two.
     * Overwriting it lost the command's check when the executor's write landed just after the command
     * (FleetScenariosTest.aCommandRightAfterAPlanKeepsTheCheckItMadeDue).
     */
    private static Instant nextCheck(Instant stored, Planned p) {
        Instant planned = p.plan().nextCheck().orElse(null);
        if (Objects.equals(stored, p.nextCheckRead()) || stored == null) {
            return planned;
        }
        return planned == null || stored.isBefore(planned) ? stored : planned;
    }

    /** Compare-and-set too: the destroy is sent only while the workload is still recorded stopped. */
    private void destroy(HostRow host, DestroyZombie z, HostReport evidence, Instant now) {
        SimStore.Row row = store.row(host.id, z.workloadId());
        if (row == null || row.status != WorkloadStatus.STOPPED) {
            return;
        }
        fleet.invariants.zombieIsPausedInItsEvidence(z, evidence);
        boolean open = store.pending.stream()
                .anyMatch(c -> c.host().equals(host.id) && c.workload().equals(z.workload()));
        if (!open) {
            store.audit.add(new SimStore.Audit(now, host.id, z.workload(), "system", "workload.destroy-zombie",
                    WorkloadStatus.STOPPED, WorkloadStatus.STOPPED, z.reason()));
            fleet.sendCommand(store.command(host.id, z.workload(), CommandKind.DESTROY, now));
        }
    }

    private void markUnreachable(MarkUnreachable m, Instant now) {
        HostRow host = store.hosts.get(m.host());
        if (host.status == HostStatus.UNREACHABLE || !Objects.equals(host.lastHeartbeatAt, m.lastHeartbeatAt())) {
            return;
        }
        fleet.invariants.notMarkedDuringATotalCut(host.id);
        host.status = HostStatus.UNREACHABLE;
        host.statusSince = now;
        store.auditHost(now, host.id, "host.unreachable", m.reason());
        for (SimStore.Row row : store.rows.get(host.id).values()) {
            if (row.status.isActive()) {
                store.setStatus(host.id, row.id, row.status, WorkloadStatus.MISSING, now, "system",
                        "the host is unreachable: " + m.reason(), true, null);
            }
        }
    }
}
