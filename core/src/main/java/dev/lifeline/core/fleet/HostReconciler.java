package dev.lifeline.core.fleet;

import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.WorkloadRules.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host monitor's active rules: one online (or draining) host's workload records against its latest report.
 * Pure: the same input gives the same plan, whatever the order of the rows and of the report.
 *
 * <p>A stack listed with a transient status (starting, stopping, pausing, resuming, snapshotting) is only present:
 * the record waits, and no transient is ever written from a report. "Absent" is a stack the report does not list.
 * <table>
 *   <caption>What the record becomes, by its status and the stack's in the report</caption>
 *   <tr><th>record</th><th>listed running</th><th>listed paused</th><th>listed stopped</th><th>listed error</th>
 *       <th>absent</th></tr>
 *   <tr><td>missing</td><td>running (not audited)</td><td>paused</td><td>stopped</td><td>error</td>
 *       <td>stopped (orphaned)</td></tr>
 *   <tr><td>running</td><td>-</td><td>paused</td><td>stopped</td><td>error</td><td>stopped (orphaned)</td></tr>
 *   <tr><td>paused</td><td>running</td><td>-</td><td>stopped</td><td>error</td><td>stopped (orphaned)</td></tr>
 *   <tr><td>stopped</td><td>running (started outside)</td><td>destroy the zombie</td><td>-</td><td>error</td>
 *       <td>-</td></tr>
 *   <tr><td>error</td><td>running</td><td>paused</td><td>stopped</td><td>-</td><td>-</td></tr>
 *   <tr><td>starting, resuming</td><td>running (completed)</td><td>paused*</td><td>stopped*</td><td>error*</td>
 *       <td>error*</td></tr>
 *   <tr><td>pausing</td><td>running*</td><td>paused (completed)</td><td>stopped*</td><td>error*</td>
 *       <td>stopped*</td></tr>
 *   <tr><td>stopping</td><td>running*</td><td>paused*</td><td>stopped (completed)</td><td>error*</td>
 *       <td>stopped*</td></tr>
 *   <tr><td>snapshotting</td><td>running**</td><td>paused**</td><td>stopped*</td><td>error*</td><td>error*</td></tr>
 * </table>
 * * only from a report received once the transient grace has run out (counted from the record's
 * {@code statusSince}); before, the record waits. ** the same with the snapshot grace. Every change is audited with a
 * reason a person can read, but the quiet restore of a missing workload found running.
 *
 * <p>A listed stack without a record is recorded with its status (audited "discovered"); a transient one waits for
 * a settled report. A detail that differs from the record's is noted.
 *
 * <p>A zombie's destroy asks for a check once the transient grace has run out: a destroy the agent lost leaves the
 * report as it was, which is no news, and the zombie would keep its memory for good.
 *
 * <p>During a mass silence ({@code destructiveHeld}) the orphaned → stopped inferences and the zombie's destroy are
 * held: they are left out of the plan, and the plan asks to be made again at the next pass.
 */
public final class HostReconciler {
    /** A check due at the next pass: just after now (a microsecond, the store's resolution). */
    static final Duration NEXT_PASS = Duration.ofNanos(1_000);

    private HostReconciler() {}

    /** The plan outside a mass silence. */
    public static HostPlan plan(HostView host, List<WorkloadRecord> rows, HostReport report, Instant now,
            MonitorRules rules) {
        return plan(host, rows, report, now, rules, false);
    }

    /**
     * @param report the host's latest report; null when it has sent none (nothing is decided)
     * @param destructiveHeld a mass silence holds destructive actions (see {@link SilenceGuard})
     */
    public static HostPlan plan(HostView host, List<WorkloadRecord> rows, HostReport report, Instant now,
            MonitorRules rules, boolean destructiveHeld) {
        if (!host.isReachable() || report == null) {
            return HostPlan.none();
        }
        Map<String, ReportedWorkload> listed = HashMap.newHashMap(report.workloads().size());
        report.workloads().forEach(w -> listed.put(w.name(), w));
        List<MonitorAction> actions = new ArrayList<>();
        Instant nextCheck = null;
        for (WorkloadRecord row : byName(rows)) {
            ReportedWorkload seen = listed.remove(row.name());
            switch (WorkloadRules.judge(row, seen, report, rules)) {
                case Verdict.Stand stand -> { }
                case Verdict.Settle s when s.fromAbsence() && destructiveHeld ->
                        nextCheck = earliest(nextCheck, now.plus(NEXT_PASS));
                case Verdict.Settle s -> actions.add(new SettleWorkload(host.id(), row.id(), row.name(), row.status(),
                        s.next(), s.reason(), s.audited()));
                case Verdict.Destroy d when destructiveHeld -> nextCheck = earliest(nextCheck, now.plus(NEXT_PASS));
                case Verdict.Destroy d -> {
                    actions.add(new DestroyZombie(host.id(), row.id(), row.name(), d.reason()));
                    nextCheck = earliest(nextCheck, now.plus(rules.transientGrace()));
                }
                case Verdict.Wait w -> nextCheck = earliest(nextCheck,
                        w.deadline().isAfter(now) ? w.deadline() : now.plus(NEXT_PASS));
            }
            if (seen != null && !Objects.equals(seen.detail(), row.detail())) {
                actions.add(new NoteDetail(host.id(), row.id(), seen.detail()));
            }
        }
        for (ReportedWorkload stack : listed.values().stream().sorted(Comparator.comparing(ReportedWorkload::name))
                .toList()) {
            if (!stack.status().isTransient()) {
                actions.add(new RecordWorkload(host.id(), stack.name(), stack.status(), stack.detail(),
                        "discovered: the host's report of " + AuditText.at(report.receivedAt()) + " lists it "
                                + stack.status().wireName() + " and the control plane had no record of it"));
            }
        }
        return new HostPlan(actions, Optional.ofNullable(nextCheck));
    }

    /** The rows in name order (a pass plans thousands of hosts: a sorted copy, not a tree). */
    private static List<WorkloadRecord> byName(List<WorkloadRecord> rows) {
        List<WorkloadRecord> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(WorkloadRecord::name));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException("two workload records are named '" + sorted.get(i).name()
                        + "' on one host; the store keeps (host, name) unique, so the rows given were not one host's");
            }
        }
        return sorted;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
