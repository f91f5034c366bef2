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
     * The hosts this replica holds a live lease for and that need a look: news (a report not reconciled yet), a due
     * deadline (a grace period ran out), silence (online or draining with no heartbeat since {@code silentBefore}),
     * or turned unreachable after {@code unreachableSince} (the mass-silence guard counts those). The report comes
     * only with the hosts that will be reconciled against it.
     */
    public static List<HostRow> hostsToLookAt(Handle handle, String replicaId, Instant replicaStartedAt, Instant now,
            Instant silentBefore, Instant unreachableSince) {
        return handle.createQuery("""
                SELECT h.id, h.team_id, h.status, h.status_since, h.last_heartbeat_at, h.registered_at,
                       greatest(l.acquired_at, :startedAt) AS tracked_since,
                       h.report_seq, h.reconciled_seq, h.next_check_at,
                       CASE WHEN h.status <> 'unreachable'
                                 AND (h.report_seq > h.reconciled_seq OR h.next_check_at <= :now)
                            THEN h.report::text END AS report
                FROM leases l JOIN hosts h ON h.id = l.host_id
                WHERE l.holder = :me AND l.expires_at > :now
                  AND (h.report_seq > h.reconciled_seq
                       OR h.next_check_at <= :now
                       OR (h.status <> 'unreachable'
                           AND coalesce(h.last_heartbeat_at, h.registered_at) <= :silentBefore)
                       OR (h.status = 'unreachable' AND h.status_since > :unreachableSince))
                """)
                .bind("me", replicaId).bind("startedAt", SqlTime.at(replicaStartedAt)).bind("now", SqlTime.at(now))
                .bind("silentBefore", SqlTime.at(silentBefore)).bind("unreachableSince", SqlTime.at(unreachableSince))
                .map((rs, ctx) -> new HostRow(rs.getObject("id", UUID.class), rs.getLong("team_id"),
                        HostStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                        SqlTime.read(rs, "last_heartbeat_at"), SqlTime.read(rs, "registered_at"),
                        SqlTime.read(rs, "tracked_since"), rs.getLong("report_seq"), rs.getLong("reconciled_seq"),
                        SqlTime.read(rs, "next_check_at"), rs.getString("report")))
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
