package dev.lifeline.control.store.monitor;

import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.util.EnumMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The whole fleet's hosts and workloads by status (every status present, zero included), in one query. */
public record FleetCounts(Map<HostStatus, Long> hosts, Map<WorkloadStatus, Long> workloads) {

    public static FleetCounts read(Handle handle) {
        Map<HostStatus, Long> hosts = new EnumMap<>(HostStatus.class);
        Map<WorkloadStatus, Long> workloads = new EnumMap<>(WorkloadStatus.class);
        for (HostStatus s : HostStatus.values()) {
            hosts.put(s, 0L);
        }
        for (WorkloadStatus s : WorkloadStatus.values()) {
            workloads.put(s, 0L);
        }
        handle.createQuery("""
                SELECT 'host' AS kind, status, count(*) AS n FROM hosts GROUP BY status
                UNION ALL
                SELECT 'workload', status, count(*) FROM workloads GROUP BY status
                """)
                .map((rs, ctx) -> {
                    if (rs.getString("kind").equals("host")) {
                        hosts.put(HostStatus.fromWire(rs.getString("status")), rs.getLong("n"));
                    } else {
                        workloads.put(WorkloadStatus.fromWire(rs.getString("status")), rs.getLong("n"));
                    }
                    return rs.getLong("n");
                })
                .list();
        return new FleetCounts(Map.copyOf(hosts), Map.copyOf(workloads));
    }

    public static FleetCounts none() {
        return new FleetCounts(Map.of(), Map.of());
    }
}
