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
     * whether it needs planning now: news (a report not reconciled yet), a due deadline (a grace period ran out, or a
     * person's command started a change, which brings no report: the command queue makes the host due), or a lease
     * taken after {@code takenAfter} (a host this replica did not watch before: what happened meanwhile is looked at
     * once).
     */
    public static List<HostRow> trackedHosts(Handle handle, String replicaId, Instant replicaStartedAt, Instant now,
            Instant takenAfter) {
        return handle.createQuery("""
                WITH tracked AS (
                    SELECT h.id, h.team_id, h.status, h.status_since, h.last_heartbeat_at, h.registered_at,
                           greatest(l.acquired_at, :startedAt) AS tracked_since, h.report_seq, h.reconciled_seq,
                           h.next_check_at, h.report,
                           h.status <> 'unreachable'
                               AND (h.report_seq > h.reconciled_seq OR h.next_check_at <= :now
                                    OR l.acquired_at > :takenAfter)
                               AS needs_plan,
                           h.report_changes IS NULL OR h.next_check_at <= :now OR l.acquired_at > :takenAfter
                               AS compare_all
                    FROM leases l JOIN hosts h ON h.id = l.host_id
                    WHERE l.holder = :me AND l.expires_at > :now
                )
                SELECT id, team_id, status, status_since, last_heartbeat_at, registered_at, tracked_since, report_seq,
                       reconciled_seq, next_check_at, needs_plan, compare_all,
                       -- only the reports to plan from are opened (each is a few kB, stored out of line)
                       CASE WHEN report IS NULL THEN 'none'
                            WHEN NOT needs_plan THEN 'readable'
                            WHEN jsonb_typeof(report) = 'array' THEN 'readable'
                            ELSE 'unreadable' END AS report
                FROM tracked
                """)
                .bind("me", replicaId).bind("startedAt", SqlTime.at(replicaStartedAt)).bind("now", SqlTime.at(now))
                .bind("takenAfter", SqlTime.at(takenAfter))
                .map((rs, ctx) -> new HostRow(rs.getObject("id", UUID.class), rs.getLong("team_id"),
                        HostStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                        SqlTime.read(rs, "last_heartbeat_at"), SqlTime.read(rs, "registered_at"),
                        SqlTime.read(rs, "tracked_since"), rs.getLong("report_seq"), rs.getLong("reconciled_seq"),
                        SqlTime.read(rs, "next_check_at"), rs.getBoolean("needs_plan"),
                        HostRow.Report.valueOf(rs.getString("report").toUpperCase(Locale.ROOT)),
                        rs.getBoolean("compare_all")))
                .list();
    }

    /**
     * Where each host's records and latest report disagree ({@link HostDifferences}), computed by PostgreSQL: the
     * report's stacks (jsonb) full-joined with the host's workload rows, the exact settled matches left out, so
     * that a pass ships and plans the changes rather than the fleet. For a host of {@code hosts} not in
     * {@code compareAll}, only the stacks on its change list ({@code hosts.report_changes}: those whose report
     * changed since it was last reconciled) and its rows that are not settled are compared: a settled row of any
     * other stack matched its report when the host was last reconciled, and neither has changed since (a person's
     * command makes a row transient; a write that lost a race makes the host due, and due hosts are compared whole).
     * The hosts must have a readable report (a jsonb array). A host with no difference is absent from the map.
     */
    public static Map<UUID, HostDifferences> differences(Handle handle, Collection<UUID> hosts,
            Collection<UUID> compareAll) {
        Map<UUID, HostDifferences> byHost = new HashMap<>();
        if (hosts.isEmpty()) {
            return byHost;
        }
        // the join's hash table may hold every row of the batch: keep it in memory rather than in temp files
        handle.execute("SET LOCAL work_mem = '" + JOIN_MEMORY + "'");
        handle.createQuery("""
                WITH scope AS (
                    SELECT id, report, CASE WHEN id = ANY(:all) THEN NULL ELSE report_changes END AS changes
                    FROM hosts WHERE id = ANY(:hosts) AND jsonb_typeof(report) = 'array'
                ), wanted AS (
                    -- of the hosts with a change list: the stacks on it, and those of the rows not settled (found
                    -- through the partial index workloads_unsettled), looked up by name rather than scanned
                    SELECT s.id AS host_id, c.name FROM scope s, unnest(s.changes) AS c(name)
                    UNION
                    SELECT w.host_id, w.name FROM workloads w JOIN scope s ON s.id = w.host_id
                    WHERE s.changes IS NOT NULL AND w.status NOT IN ('running', 'paused', 'stopped', 'error')
                ), recorded AS (
                    SELECT w.id, w.host_id, w.name, w.status, w.status_since, w.detail
                    FROM workloads w JOIN scope s ON s.id = w.host_id WHERE s.changes IS NULL
                    UNION ALL
                    SELECT w.id, w.host_id, w.name, w.status, w.status_since, w.detail
                    FROM wanted x JOIN workloads w ON w.host_id = x.host_id AND w.name = x.name
                ), listed AS (
                    SELECT s.id AS host_id, e.name, e.status, e.detail
                    FROM scope s, jsonb_to_recordset(s.report) AS e(name text, status text, detail text)
                    WHERE s.changes IS NULL OR (s.id, e.name) IN (SELECT host_id, name FROM wanted)
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
                .bindArray("all", UUID.class, compareAll)
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
