package dev.lifeline.control.monitor;

import dev.lifeline.control.store.monitor.MonitorWrites;
import dev.lifeline.control.store.monitor.WorkloadRow;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.EndMassSilenceHold;
import dev.lifeline.core.fleet.MonitorAction.HoldForMassSilence;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Applies the monitor's decisions for a batch of hosts: the actions are grouped by kind and each kind is one bulk
 * compare-and-set statement that writes its own audit events ({@link MonitorWrites}), so a batch of any size costs a
 * handful of round trips. Runs in the caller's transaction; the caller commits.
 *
 * <p>A host marked unreachable is a compare-and-set on the status and last heartbeat read; its workloads that were
 * active when read become {@code missing}, each audited. A zombie gets a {@code destroy} command. A mass-silence hold
 * and its end are each one fleet-wide audit event.
 */
public final class PlanExecutor {
    private final MonitorWrites writes;

    /** @param actor the replica's id: the audit log's actor for every system event it writes */
    public PlanExecutor(String actor) {
        this.writes = new MonitorWrites(actor);
    }

    /**
     * @param hosts the batch's hosts as read: the status each was in (the compare-and-set of a MarkUnreachable) and
     *     its workloads (those active become missing)
     */
    public Applied apply(Handle handle, Instant now, List<MonitorAction> actions, Map<UUID, HostStatus> hosts,
            Map<UUID, List<WorkloadRow>> workloads) {
        List<SettleWorkload> settles = new ArrayList<>();
        List<RecordWorkload> records = new ArrayList<>();
        List<NoteDetail> details = new ArrayList<>();
        List<DestroyZombie> zombies = new ArrayList<>();
        List<MarkUnreachable> silent = new ArrayList<>();
        List<MonitorAction> fleetWide = new ArrayList<>();
        for (MonitorAction action : actions) {
            switch (action) {
                case SettleWorkload s -> settles.add(s);
                case RecordWorkload r -> records.add(r);
                case NoteDetail n -> details.add(n);
                case DestroyZombie d -> zombies.add(d);
                case MarkUnreachable m -> silent.add(m);
                case HoldForMassSilence h -> fleetWide.add(h);
                case EndMassSilenceHold e -> fleetWide.add(e);
            }
        }
        Map<ActionKind, Integer> counts = new EnumMap<>(ActionKind.class);
        Set<UUID> raced = new HashSet<>();

        MonitorWrites.Unreachable unreachable = writes.markUnreachable(handle, now, silent, hosts,
                activeWorkloads(silent, workloads));
        counts.put(ActionKind.MARK_UNREACHABLE, unreachable.hosts().size());
        counts.put(ActionKind.MARK_MISSING, unreachable.workloadsMissing());

        Set<Long> settled = writes.settle(handle, now, settles);
        counts.put(ActionKind.SETTLE, settled.size());
        for (SettleWorkload s : settles) {
            if (!settled.contains(s.workloadId())) {
                raced.add(s.host());
            }
        }
        counts.put(ActionKind.RECORD, writes.record(handle, now, records));
        counts.put(ActionKind.NOTE_DETAIL, writes.noteDetails(handle, now, details));
        counts.put(ActionKind.DESTROY_ZOMBIE, writes.destroyZombies(handle, now, zombies).size());
        for (MonitorAction event : fleetWide) {
            switch (event) {
                case HoldForMassSilence hold -> writes.fleetEvent(handle, now, MonitorWrites.MASS_SILENCE_HOLD,
                        hold.reason());
                case EndMassSilenceHold end -> writes.fleetEvent(handle, now, MonitorWrites.MASS_SILENCE_END,
                        end.reason());
                default -> throw new IllegalStateException("not a fleet-wide event: " + event);
            }
            counts.merge(ActionKind.of(event), 1, Integer::sum);
        }
        counts.values().removeIf(n -> n == 0);
        return new Applied(counts, settled, raced, unreachable.hosts());
    }

    private static Map<UUID, List<WorkloadRow>> activeWorkloads(List<MarkUnreachable> silent,
            Map<UUID, List<WorkloadRow>> workloads) {
        Map<UUID, List<WorkloadRow>> active = new HashMap<>();
        for (MarkUnreachable m : silent) {
            List<WorkloadRow> rows = new ArrayList<>();
            for (WorkloadRow row : workloads.getOrDefault(m.host(), List.of())) {
                if (row.status().isActive()) {
                    rows.add(row);
                }
            }
            active.put(m.host(), rows);
        }
        return active;
    }
}
