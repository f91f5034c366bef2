package dev.lifeline.control.store.monitor;

import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * What a monitor pass reads, whatever the fleet's size: one query for its hosts, one for the differences between the
 * records and the reports of those to plan, one for the active workloads of those going silent.
 */
public final class MonitorReads {
    /** PostgreSQL's work_mem for the differences' join: 500,000 rows' hash table fits. */
    private static final String JOIN_MEMORY = "64MB";

    private MonitorReads() {}

    /**
     * Every host this replica holds a live lease for (the silence guard takes its census of them all), each with
     * whether it needs planning now: news (a report not reconciled yet), a due deadline (a grace period ran out), a
     * workload that took a transient status after {@code changedSince} (a user's command started a change, which
     * brings no report), or a lease taken after {@code takenAfter} (a host this replica did not watch before: what
     * happened meanwhile is looked at once).
     */
    public static List<HostRow> trackedHosts(Handle handle, String replicaId, Instant replicaStartedAt, Instant now,
            Instant changedSince, Instant takenAfter) {
        return handle.createQuery("""
                WITH in_flight AS (
                    SELECT DISTINCT host_id FROM workloads
                    WHERE status IN ('starting', 'stopping', 'pausing', 'resuming', 'snapshotting')
                      AND status_since > :changedSince
                ), tracked AS (
                    SELECT h.id, h.team_id, h.status, h.status_since, h.last_heartbeat_at, h.registered_at,
                           greatest(l.acquired_at, :startedAt) AS tracked_since, h.report_seq, h.reconciled_seq,
                           h.next_check_at, h.report,
                           h.status <> 'unreachable'
                               AND (h.report_seq > h.reconciled_seq OR h.next_check_at <= :now
                                    OR h.id IN (SELECT host_id FROM in_flight) OR l.acquired_at > :takenAfter)
                               AS needs_plan
                    FROM leases l JOIN hosts h ON h.id = l.host_id
                    WHERE l.holder = :me AND l.expires_at > :now
                )
                SELECT id, team_id, status, status_since, last_heartbeat_at, registered_at, tracked_since, report_seq,
                       reconciled_seq, next_check_at, needs_plan,
                       -- only the reports to plan from are opened (each is a few kB, stored out of line)
                       CASE WHEN report IS NULL THEN 'none'
                            WHEN NOT needs_plan THEN 'readable'
                            WHEN jsonb_typeof(report) = 'array' THEN 'readable'
                            ELSE 'unreadable' END AS report
                FROM tracked
                """)
                .bind("me", replicaId).bind("startedAt", SqlTime.at(replicaStartedAt)).bind("now", SqlTime.at(now))
                .bind("changedSince", SqlTime.at(changedSince)).bind("takenAfter", SqlTime.at(takenAfter))
                .map((rs, ctx) -> new HostRow(rs.getObject("id", UUID.class), rs.getLong("team_id"),
                        HostStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                        SqlTime.read(rs, "last_heartbeat_at"), SqlTime.read(rs, "registered_at"),
                        SqlTime.read(rs, "tracked_since"), rs.getLong("report_seq"), rs.getLong("reconciled_seq"),
                        SqlTime.read(rs, "next_check_at"), rs.getBoolean("needs_plan"),
                        HostRow.Report.valueOf(rs.getString("report").toUpperCase(Locale.ROOT))))
                .list();
    }

    /**
     * Where each host's records and latest report disagree ({@link HostDifferences}), computed by PostgreSQL: the
     * report's stacks (jsonb) full-joined with the host's workload rows, the exact settled matches left out, so
     * that a pass ships and plans the changes rather than the fleet. The hosts must have a readable report (a jsonb
     * array). A host with no difference is absent from the map.
     */
    public static Map<UUID, HostDifferences> differences(Handle handle, Collection<UUID> hosts) {
        Map<UUID, HostDifferences> byHost = new HashMap<>();
        if (hosts.isEmpty()) {
            return byHost;
        }
        // the join's hash table holds every row of the batch: keep it in memory rather than in temp files
        handle.execute("SET LOCAL work_mem = '" + JOIN_MEMORY + "'");
        handle.createQuery("""
                WITH listed AS (
                    SELECT h.id AS host_id, e.name, e.status, e.detail
                    FROM hosts h, jsonb_to_recordset(h.report) AS e(name text, status text, detail text)
                    WHERE h.id = ANY(:hosts) AND jsonb_typeof(h.report) = 'array'
                ), recorded AS (
                    SELECT id, host_id, name, status, status_since, detail FROM workloads WHERE host_id = ANY(:hosts)
                )
                SELECT coalesce(w.host_id, l.host_id) AS host_id, w.id, w.name, w.status, w.status_since, w.detail,
                       l.name AS listed_name, l.status AS listed_status, l.detail AS listed_detail,
                       l.host_id IS NOT NULL AS listed
                FROM recorded w FULL JOIN listed l ON l.host_id = w.host_id AND l.name = w.name
                -- kept: a row or stack on one side only, a row not settled (no rule acts on a transient row listed
                -- with the same transient today: kept so that none ever depends on it), a status or detail differing
                WHERE w.id IS NULL OR l.host_id IS NULL
                   OR w.status NOT IN ('running', 'paused', 'stopped', 'error') OR w.status <> l.status
                   OR w.detail IS DISTINCT FROM l.detail
                """)
                .bindArray("hosts", UUID.class, hosts)
                .map((rs, ctx) -> {
                    UUID host = rs.getObject("host_id", UUID.class);
                    HostDifferences d = byHost.computeIfAbsent(host, k -> HostDifferences.empty());
                    long id = rs.getLong("id");
                    if (!rs.wasNull()) {
                        d.rows().add(new WorkloadRow(id, host, rs.getString("name"),
                                WorkloadStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                                rs.getString("detail")));
                    }
                    if (rs.getBoolean("listed")) {
                        d.listed().add(new ListedStack(rs.getString("listed_name"), rs.getString("listed_status"),
                                rs.getString("listed_detail")));
                    }
                    return host;
                })
                .list();
        return byHost;
    }

    /** The active workloads (running, paused, or changing) of these hosts, grouped by host. */
    public static Map<UUID, List<WorkloadRow>> activeWorkloadsOf(Handle handle, Collection<UUID> hosts) {
        Map<UUID, List<WorkloadRow>> byHost = new HashMap<>();
        if (hosts.isEmpty()) {
            return byHost;
        }
        handle.createQuery("""
                SELECT id, host_id, name, status, status_since, detail FROM workloads
                WHERE host_id = ANY(:hosts)
                  AND status IN ('running', 'paused', 'starting', 'stopping', 'pausing', 'resuming', 'snapshotting')
                """)
                .bindArray("hosts", UUID.class, hosts)
                .map((rs, ctx) -> new WorkloadRow(rs.getLong("id"), rs.getObject("host_id", UUID.class),
                        rs.getString("name"), WorkloadStatus.fromWire(rs.getString("status")),
                        SqlTime.read(rs, "status_since"), rs.getString("detail")))
                .forEach(row -> byHost.computeIfAbsent(row.hostId(), k -> new ArrayList<>()).add(row));
        return byHost;
    }
}
