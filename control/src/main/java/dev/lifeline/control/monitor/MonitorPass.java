package dev.lifeline.control.monitor;

import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.LeaseState;
import dev.lifeline.control.store.monitor.HostRow;
import dev.lifeline.control.store.monitor.MonitorReads;
import dev.lifeline.control.store.monitor.MonitorWrites;
import dev.lifeline.control.store.monitor.MonitorWrites.Reconciled;
import dev.lifeline.control.store.monitor.HostDifferences;
import dev.lifeline.control.store.monitor.ListedStack;
import dev.lifeline.control.store.monitor.WorkloadRow;
import dev.lifeline.core.fleet.HostPlan;
import dev.lifeline.core.fleet.HostReconciler;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.SilenceGuard;
import dev.lifeline.core.fleet.SilenceHold;
import dev.lifeline.core.fleet.SilenceVerdict;
import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.log.KeyValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the host monitor over the hosts this replica holds, in one transaction and a constant number of round
 * trips whatever the fleet's size:
 * <ol>
 *   <li>keep the leases ({@link HostLeases#keep}: renewed, their row locks held until the commit, fair share taken);
 *   <li>read every tracked host, and which need planning (news, a due deadline: a grace period ran out or a
 *       person's command started a change, a lease taken since the previous pass: at a replica's first pass, every
 *       host);
 *   <li>decide the passive rule: {@link SilenceGuard} over every tracked host (failover grace, mass silence);
 *   <li>read where the records and the reports of the hosts to plan differ ({@link MonitorReads#differences}: a
 *       settled row its report lists with the same status and detail cannot change a plan, so PostgreSQL leaves it
 *       out and the pass ships the changes, not the fleet; of a host whose change list is known, only the stacks
 *       on it and the rows not settled are compared), and the active workloads of the hosts going silent;
 *   <li>decide the active rules: {@link HostReconciler} for each host to plan (destructive actions held during a
 *       mass silence);
 *   <li>apply ({@link PlanExecutor}: one compare-and-set statement per kind of action, audit included);
 *   <li>store each planned host's reconciled sequence and next deadline (a host where a write lost a race is due
 *       again at once); commit.
 * </ol>
 * A pass is not thread-safe: the monitor runs one at a time.
 */
public final class MonitorPass {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorPass.class);
    private final Jdbi jdbi;
    private final HostLeases leases;
    private final MonitorRules rules;
    private final PlanExecutor executor;
    private final MonitorWrites writes;
    private Optional<SilenceHold> hold = Optional.empty();
    private Instant previousPass;

    public MonitorPass(Jdbi jdbi, HostLeases leases, MonitorRules rules) {
        this.jdbi = jdbi;
        this.leases = leases;
        this.rules = rules;
        this.executor = new PlanExecutor(leases.replica().id());
        this.writes = new MonitorWrites(leases.replica().id());
    }

    /** Runs one pass as of {@code now}; a failure rolls the whole pass back (the next one starts over). */
    public PassResult run(Instant now) {
        RoundTrips trips = new RoundTrips();
        try (Handle handle = trips.attach(jdbi.open())) {
            handle.begin();
            try {
                Outcome outcome = decideAndApply(handle, now);
                trips.commit(handle);
                hold = outcome.hold();
                previousPass = now;
                return outcome.result(trips.count());
            } catch (RuntimeException e) {
                handle.rollback();
                throw e;
            }
        }
    }

    /** A pass's result before its commit, and the hold it leaves for the next pass (kept only once committed). */
    private record Outcome(Instant at, LeaseState leases, int tracked, int planned, int workloadsRead,
            Applied applied, Optional<SilenceHold> hold) {
        PassResult result(long roundTrips) {
            return new PassResult(at, leases, tracked, planned, workloadsRead, applied, hold.isPresent(),
                    roundTrips);
        }
    }

    private Outcome decideAndApply(Handle handle, Instant now) {
        LeaseState leaseState = leases.keep(handle, now);
        Instant takenAfter = previousPass == null ? Instant.EPOCH : previousPass;
        List<HostRow> hosts = MonitorReads.trackedHosts(handle, leases.replica().id(), leases.replica().startedAt(),
                now, takenAfter);

        List<HostView> views = new ArrayList<>(hosts.size());
        Map<UUID, HostStatus> statuses = new HashMap<>();
        for (HostRow host : hosts) {
            views.add(host.view());
            statuses.put(host.id(), host.status());
        }
        SilenceVerdict verdict = SilenceGuard.check(views, hold, now, rules);
        Set<UUID> goingSilent = new HashSet<>();
        for (MonitorAction action : verdict.actions()) {
            if (action instanceof MarkUnreachable m) {
                goingSilent.add(m.host());
            }
        }

        List<HostRow> toPlan = new ArrayList<>();
        for (HostRow host : hosts) {
            if (host.needsPlan() && !goingSilent.contains(host.id())) {
                toPlan.add(host);
            }
        }
        Map<UUID, HostDifferences> differences = MonitorReads.differences(handle,
                idsOf(toPlan, h -> h.report() == HostRow.Report.READABLE), idsOf(toPlan, HostRow::compareAll));
        Map<UUID, List<WorkloadRow>> active = MonitorReads.activeWorkloadsOf(handle, goingSilent);

        List<MonitorAction> actions = new ArrayList<>(verdict.actions());
        Map<UUID, Instant> nextChecks = new HashMap<>();
        for (HostRow host : toPlan) {
            HostPlan plan = plan(host, differences.getOrDefault(host.id(), HostDifferences.none()), now, rules,
                    verdict.holding());
            actions.addAll(plan.actions());
            plan.nextCheck().ifPresent(at -> nextChecks.put(host.id(), at));
        }
        Applied applied = executor.apply(handle, now, actions, statuses, active);

        List<Reconciled> reconciled = new ArrayList<>(toPlan.size());
        for (HostRow host : toPlan) {
            Instant next = applied.raced().contains(host.id()) ? now : nextChecks.get(host.id());
            reconciled.add(new Reconciled(host.id(), host.reportSeq(), host.nextCheckAt(), next));
        }
        writes.markReconciled(handle, reconciled);
        int rowsRead = 0;
        for (HostDifferences d : differences.values()) {
            rowsRead += d.rows().size();
        }
        for (List<WorkloadRow> rows : active.values()) {
            rowsRead += rows.size();
        }
        return new Outcome(now, leaseState, hosts.size(), toPlan.size(), rowsRead, applied, verdict.hold());
    }

    private static List<UUID> idsOf(List<HostRow> hosts, Predicate<HostRow> which) {
        return hosts.stream().filter(which).map(HostRow::id).toList();
    }

    /**
     * The host's plan from where its records and report differ (the rest could not change the plan). A host with no
     * report yet is left alone; one whose stored report cannot be read is logged and left alone until its next one.
     */
    static HostPlan plan(HostRow host, HostDifferences differences, Instant now, MonitorRules rules,
            boolean holding) {
        if (host.report() == HostRow.Report.NONE) {
            return HostPlan.none();
        }
        HostReport report;
        try {
            if (host.report() == HostRow.Report.UNREADABLE) {
                throw new IllegalArgumentException("the stored report is not a JSON array");
            }
            List<ReportedWorkload> listed = new ArrayList<>(differences.listed().size());
            for (ListedStack stack : differences.listed()) {
                if (stack.name() == null || stack.status() == null) {
                    throw new IllegalArgumentException("a stack of the stored report has no name or no status");
                }
                listed.add(new ReportedWorkload(stack.name(), WorkloadStatus.fromWire(stack.status()),
                        stack.detail()));
            }
            report = new HostReport(host.reportSeq(),
                    host.lastHeartbeatAt() != null ? host.lastHeartbeatAt() : host.registeredAt(), listed);
        } catch (IllegalArgumentException e) {
            LOG.warn(KeyValues.line("event", "host_report_unreadable", "host", host.id(), "report_seq",
                    host.reportSeq(), "error", e.getMessage(), "effect", "host not reconciled until its next report"));
            return HostPlan.none();
        }
        List<WorkloadRecord> records = new ArrayList<>(differences.rows().size());
        for (WorkloadRow row : differences.rows()) {
            records.add(row.record());
        }
        return HostReconciler.plan(host.view(), records, report, now, rules, holding);
    }
}
