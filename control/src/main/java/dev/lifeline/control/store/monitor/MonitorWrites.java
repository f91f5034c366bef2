package dev.lifeline.control.store.monitor;

import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.MarkUnreachable;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.HostStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The monitor's writes, one statement per kind of action for a whole batch of hosts: the input arrives as arrays
 * ({@code unnest}), every change is a compare-and-set on the status the monitor read ({@code WHERE status =
 * expected}: a user's action that got there first wins, and the row is simply skipped), and the audit events of
 * the rows that did change are inserted by the same statement (a data-modifying {@code WITH}), so a lost race leaves
 * no event and a batch costs one round trip per kind of action.
 */
public final class MonitorWrites {
    private static final String AUDIT = "INSERT INTO audit_events (at, team_id, host_id, workload, actor_kind, actor, "
            + "action, reason, outcome, before_status, after_status) ";

    /** The audit log's action names for what the monitor does. */
    public static final String SETTLED = "workload_settled";
    public static final String DISCOVERED = "workload_discovered";
    public static final String MISSING = "workload_missing";
    public static final String ZOMBIE_DESTROY = "zombie_destroy_requested";
    public static final String UNREACHABLE = "host_unreachable";
    public static final String MASS_SILENCE_HOLD = "mass_silence_hold";
    public static final String MASS_SILENCE_END = "mass_silence_end";

    private final String actor;

    /** @param actor who the audit log names for these writes: the replica's id */
    public MonitorWrites(String actor) {
        this.actor = actor;
    }

    /** Settles workloads; returns the ids that changed (the others lost a race and are left alone). */
    public Set<Long> settle(Handle handle, Instant now, List<SettleWorkload> actions) {
        if (actions.isEmpty()) {
            return Set.of();
        }
        return handle.createQuery("""
                WITH input AS (
                    SELECT * FROM unnest(:ids::bigint[], :hosts::uuid[], :expected::text[], :next::text[],
                                         :reasons::text[], :audited::boolean[])
                        AS i(id, host, expected, next, reason, audited)
                ), changed AS (
                    UPDATE workloads w SET status = i.next, status_since = :now, last_updated = :now
                    FROM input i
                    WHERE w.id = ANY(:ids) AND w.id = i.id AND w.host_id = i.host AND w.status = i.expected
                    RETURNING w.id, w.host_id, w.team_id, w.name, i.expected, i.next, i.reason, i.audited
                ), audit AS (
                """ + AUDIT + """
                    SELECT :now, team_id, host_id, name, 'system', :actor, :action, reason, 'ok', expected, next
                    FROM changed WHERE audited
                )
                SELECT id FROM changed
                """)
                .bindArray("ids", Long.class, map(actions, SettleWorkload::workloadId))
                .bindArray("hosts", UUID.class, map(actions, SettleWorkload::host))
                .bindArray("expected", String.class, map(actions, a -> a.expected().wireName()))
                .bindArray("next", String.class, map(actions, a -> a.next().wireName()))
                .bindArray("reasons", String.class, map(actions, SettleWorkload::reason))
                .bindArray("audited", Boolean.class, map(actions, SettleWorkload::audited))
                .bind("now", SqlTime.at(now)).bind("actor", actor).bind("action", SETTLED)
                .mapTo(Long.class).collect(Collectors.toSet());
    }

    /**
     * Records stacks the hosts report that have no row yet (in the host's team), audited as discovered; a row that
     * appeared meanwhile wins. Returns how many were recorded.
     */
    public int record(Handle handle, Instant now, List<RecordWorkload> actions) {
        if (actions.isEmpty()) {
            return 0;
        }
        return handle.createQuery("""
                WITH input AS (
                    SELECT * FROM unnest(:hosts::uuid[], :names::text[], :statuses::text[], :details::text[],
                                         :reasons::text[]) AS i(host, name, status, detail, reason)
                ), inserted AS (
                    INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated, detail)
                    SELECT i.host, h.team_id, i.name, i.status, :now, :now, i.detail
                    FROM input i JOIN hosts h ON h.id = i.host
                    ON CONFLICT (host_id, name) DO NOTHING
                    RETURNING host_id, team_id, name, status
                ), audit AS (
                """ + AUDIT + """
                    SELECT :now, n.team_id, n.host_id, n.name, 'system', :actor, :action, i.reason, 'ok', NULL, n.status
                    FROM inserted n JOIN input i ON i.host = n.host_id AND i.name = n.name
                )
                SELECT count(*) FROM inserted
                """)
                .bindArray("hosts", UUID.class, map(actions, RecordWorkload::host))
                .bindArray("names", String.class, map(actions, RecordWorkload::workload))
                .bindArray("statuses", String.class, map(actions, a -> a.status().wireName()))
                .bindArray("details", String.class, map(actions, RecordWorkload::detail))
                .bindArray("reasons", String.class, map(actions, RecordWorkload::reason))
                .bind("now", SqlTime.at(now)).bind("actor", actor).bind("action", DISCOVERED)
                .mapTo(Integer.class).one();
    }

    /** Notes the hosts' latest detail of their stacks (description, not status: no compare-and-set, no audit). */
    public int noteDetails(Handle handle, Instant now, List<NoteDetail> actions) {
        if (actions.isEmpty()) {
            return 0;
        }
        return handle.createUpdate("""
                UPDATE workloads w SET detail = i.detail, last_updated = :now
                FROM unnest(:ids::bigint[], :hosts::uuid[], :details::text[]) AS i(id, host, detail)
                WHERE w.id = i.id AND w.host_id = i.host AND w.detail IS DISTINCT FROM i.detail
                """)
                .bindArray("ids", Long.class, map(actions, NoteDetail::workloadId))
                .bindArray("hosts", UUID.class, map(actions, NoteDetail::host))
                .bindArray("details", String.class, map(actions, NoteDetail::detail))
                .bind("now", SqlTime.at(now))
                .execute();
    }

    /**
     * Queues a {@code destroy} command (pending, actor system) for every zombie still recorded {@code stopped} and
     * without an open destroy already (a zombie is reported at every beat until it is gone), audited; returns the
     * workload ids queued.
     */
    public Set<Long> destroyZombies(Handle handle, Instant now, List<DestroyZombie> actions) {
        if (actions.isEmpty()) {
            return Set.of();
        }
        List<UUID> commandIds = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            commandIds.add(UUID.randomUUID());
        }
        return handle.createQuery("""
                WITH input AS (
                    SELECT * FROM unnest(:ids::bigint[], :hosts::uuid[], :commands::uuid[], :reasons::text[])
                        AS i(id, host, command, reason)
                ), zombies AS (
                    SELECT w.id, w.host_id, w.team_id, w.name, i.command, i.reason
                    FROM workloads w JOIN input i ON w.id = i.id AND w.host_id = i.host
                    WHERE w.status = 'stopped'
                      AND NOT EXISTS (SELECT 1 FROM commands c
                                      WHERE c.host_id = w.host_id AND c.workload = w.name AND c.kind = 'destroy'
                                        AND c.state IN ('pending', 'delivered'))
                    FOR UPDATE OF w
                ), queued AS (
                    INSERT INTO commands (id, team_id, host_id, workload, kind, state, actor, reason, created_at)
                    SELECT command, team_id, host_id, name, 'destroy', 'pending', 'system', reason, :now FROM zombies
                ), audit AS (
                """ + AUDIT + """
                    SELECT :now, team_id, host_id, name, 'system', :actor, :action, reason, 'ok', 'stopped', 'stopped'
                    FROM zombies
                )
                SELECT id FROM zombies
                """)
                .bindArray("ids", Long.class, map(actions, DestroyZombie::workloadId))
                .bindArray("hosts", UUID.class, map(actions, DestroyZombie::host))
                .bindArray("commands", UUID.class, commandIds)
                .bindArray("reasons", String.class, map(actions, DestroyZombie::reason))
                .bind("now", SqlTime.at(now)).bind("actor", actor).bind("action", ZOMBIE_DESTROY)
                .mapTo(Long.class).collect(Collectors.toSet());
    }

    /**
     * Marks silent hosts unreachable: compare-and-set on the status read and on the last heartbeat the decision saw
     * (a heartbeat that arrived meanwhile wins), and, for the hosts that changed, their workloads that were active
     * when read become {@code missing} (each a compare-and-set too); the host and every workload audited.
     *
     * @param statuses each host's status as read (online or draining)
     * @param active each host's active workloads as read
     */
    public Unreachable markUnreachable(Handle handle, Instant now, List<MarkUnreachable> actions,
            Map<UUID, HostStatus> statuses, Map<UUID, List<WorkloadRow>> active) {
        if (actions.isEmpty()) {
            return new Unreachable(Set.of(), 0);
        }
        List<WorkloadRow> workloads = new ArrayList<>();
        for (MarkUnreachable a : actions) {
            workloads.addAll(active.getOrDefault(a.host(), List.of()));
        }
        List<Map.Entry<UUID, Integer>> marked = handle.createQuery("""
                WITH input AS (
                    SELECT * FROM unnest(:hosts::uuid[], :expected::text[], :heartbeats::timestamptz[],
                                         :reasons::text[]) AS i(id, expected, heartbeat, reason)
                ), marked AS (
                    UPDATE hosts h SET status = 'unreachable', status_since = :now
                    FROM input i
                    WHERE h.id = i.id AND h.status = i.expected
                      AND h.last_heartbeat_at IS NOT DISTINCT FROM i.heartbeat
                    RETURNING h.id, h.team_id, i.expected, i.reason
                ), active AS (
                    SELECT * FROM unnest(:workloads::bigint[], :workloadHosts::uuid[], :workloadExpected::text[])
                        AS a(id, host, expected)
                ), missing AS (
                    UPDATE workloads w SET status = 'missing', status_since = :now, last_updated = :now
                    FROM active a JOIN marked m ON m.id = a.host
                    WHERE w.id = a.id AND w.host_id = a.host AND w.status = a.expected
                    RETURNING w.host_id, w.team_id, w.name, a.expected, m.reason
                ), host_audit AS (
                """ + AUDIT + """
                    SELECT :now, team_id, id, NULL, 'system', :actor, :hostAction, reason, 'ok', expected,
                           'unreachable'
                    FROM marked
                ), workload_audit AS (
                """ + AUDIT + """
                    SELECT :now, team_id, host_id, name, 'system', :actor, :workloadAction,
                           'host unreachable: ' || reason, 'ok', expected, 'missing'
                    FROM missing
                )
                SELECT m.id, (SELECT count(*) FROM missing s WHERE s.host_id = m.id) AS missing FROM marked m
                """)
                .bindArray("hosts", UUID.class, map(actions, MarkUnreachable::host))
                .bindArray("expected", String.class, map(actions, a -> statuses.get(a.host()).wireName()))
                .bindArray("heartbeats", String.class, SqlTime.texts(map(actions, MarkUnreachable::lastHeartbeatAt)))
                .bindArray("reasons", String.class, map(actions, MarkUnreachable::reason))
                .bindArray("workloads", Long.class, map(workloads, WorkloadRow::id))
                .bindArray("workloadHosts", UUID.class, map(workloads, WorkloadRow::hostId))
                .bindArray("workloadExpected", String.class, map(workloads, w -> w.status().wireName()))
                .bind("now", SqlTime.at(now)).bind("actor", actor)
                .bind("hostAction", UNREACHABLE).bind("workloadAction", MISSING)
                .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), rs.getInt("missing")))
                .list();
        Set<UUID> hosts = new HashSet<>();
        int missing = 0;
        for (Map.Entry<UUID, Integer> m : marked) {
            hosts.add(m.getKey());
            missing += m.getValue();
        }
        return new Unreachable(hosts, missing);
    }

    /** The hosts that turned unreachable and how many of their workloads became missing. */
    public record Unreachable(Set<UUID> hosts, int workloadsMissing) {}

    /**
     * Where the monitor got to with a host: the report it planned from, and when it must look again (null: only at
     * news).
     *
     * @param seenNextCheck the host's deadline as the pass read it: if someone moved it meanwhile, the earlier of the
     *     two is kept
     */
    public record Reconciled(UUID host, long reportSeq, Instant seenNextCheck, Instant nextCheck) {}

    /** Stores how far each host was reconciled, for the whole batch in one statement; returns the rows changed. */
    public int markReconciled(Handle handle, List<Reconciled> hosts) {
        if (hosts.isEmpty()) {
            return 0;
        }
        return handle.createUpdate("""
                UPDATE hosts h SET reconciled_seq = greatest(h.reconciled_seq, i.seq),
                    next_check_at = CASE WHEN h.next_check_at IS NOT DISTINCT FROM i.seen THEN i.next
                                         ELSE least(h.next_check_at, i.next) END,
                    -- the changes read are reconciled; those of a report that came since stay
                    report_changes = CASE WHEN h.report_seq = i.seq THEN '{}' ELSE h.report_changes END
                FROM unnest(:hosts::uuid[], :seqs::bigint[], :seen::timestamptz[], :next::timestamptz[])
                    AS i(id, seq, seen, next)
                WHERE h.id = i.id AND (h.reconciled_seq < i.seq OR h.next_check_at IS DISTINCT FROM i.next
                                       OR (h.report_seq = i.seq AND h.report_changes IS DISTINCT FROM '{}'))
                """)
                .bindArray("hosts", UUID.class, map(hosts, Reconciled::host))
                .bindArray("seqs", Long.class, map(hosts, Reconciled::reportSeq))
                .bindArray("seen", String.class, SqlTime.texts(map(hosts, Reconciled::seenNextCheck)))
                .bindArray("next", String.class, SqlTime.texts(map(hosts, Reconciled::nextCheck)))
                .execute();
    }

    /** One fleet-wide event (no team, no host): a mass-silence hold begins or ends. */
    public void fleetEvent(Handle handle, Instant now, String action, String reason) {
        handle.createUpdate(AUDIT + """
                VALUES (:now, NULL, NULL, NULL, 'system', :actor, :action, :reason, 'ok', NULL, NULL)
                """)
                .bind("now", SqlTime.at(now)).bind("actor", actor).bind("action", action)
                .bind("reason", reason)
                .execute();
    }

    private static <T, R> List<R> map(List<T> items, Function<T, R> f) {
        List<R> out = new ArrayList<>(items.size());
        for (T item : items) {
            out.add(f.apply(item));
        }
        return out;
    }
}
