package dev.lifeline.control.store.monitor;

import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** What a monitor pass reads: one query for its hosts, one for their workloads, whatever the fleet's size. */
public final class MonitorReads {
    private MonitorReads() {}

    /**
     * Every host this replica holds a live lease for (the silence guard takes its census of them all), each with
     * whether it needs planning now: news (a report not reconciled yet), a due deadline (a grace period ran out), or
     * a workload that took a transient status after {@code changedSince} (a user's command started a change, which
     * brings no report). The report comes only with the hosts that need planning.
     */
    public static List<HostRow> trackedHosts(Handle handle, String replicaId, Instant replicaStartedAt, Instant now,
            Instant changedSince) {
        return handle.createQuery("""
                WITH in_flight AS (
                    SELECT DISTINCT host_id FROM workloads
                    WHERE status IN ('starting', 'stopping', 'pausing', 'resuming', 'snapshotting')
                      AND status_since > :changedSince
                ), tracked AS (
                    SELECT h.*, greatest(l.acquired_at, :startedAt) AS tracked_since,
                           h.status <> 'unreachable'
                               AND (h.report_seq > h.reconciled_seq OR h.next_check_at <= :now
                                    OR h.id IN (SELECT host_id FROM in_flight)) AS needs_plan
                    FROM leases l JOIN hosts h ON h.id = l.host_id
                    WHERE l.holder = :me AND l.expires_at > :now
                )
                SELECT id, team_id, status, status_since, last_heartbeat_at, registered_at, tracked_since,
                       report_seq, reconciled_seq, next_check_at, needs_plan,
                       CASE WHEN needs_plan THEN report::text END AS report
                FROM tracked
                """)
                .bind("me", replicaId).bind("startedAt", SqlTime.at(replicaStartedAt)).bind("now", SqlTime.at(now))
                .bind("changedSince", SqlTime.at(changedSince))
                .map((rs, ctx) -> new HostRow(rs.getObject("id", UUID.class), rs.getLong("team_id"),
                        HostStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                        SqlTime.read(rs, "last_heartbeat_at"), SqlTime.read(rs, "registered_at"),
                        SqlTime.read(rs, "tracked_since"), rs.getLong("report_seq"), rs.getLong("reconciled_seq"),
                        SqlTime.read(rs, "next_check_at"), rs.getBoolean("needs_plan"), rs.getString("report")))
                .list();
    }

    /** Every workload of these hosts, grouped by host (a host with none is absent from the map). */
    public static Map<UUID, List<WorkloadRow>> workloadsOf(Handle handle, Collection<UUID> hosts) {
        Map<UUID, List<WorkloadRow>> byHost = new HashMap<>();
        if (hosts.isEmpty()) {
            return byHost;
        }
        handle.createQuery("""
                SELECT id, host_id, name, status, status_since, detail FROM workloads
                WHERE host_id = ANY(:hosts)
                """)
                .bindArray("hosts", UUID.class, hosts)
                .map((rs, ctx) -> new WorkloadRow(rs.getLong("id"), rs.getObject("host_id", UUID.class),
                        rs.getString("name"), WorkloadStatus.fromWire(rs.getString("status")),
                        SqlTime.read(rs, "status_since"), rs.getString("detail")))
                .forEach(row -> byHost.computeIfAbsent(row.hostId(), k -> new ArrayList<>()).add(row));
        return byHost;
    }
}
