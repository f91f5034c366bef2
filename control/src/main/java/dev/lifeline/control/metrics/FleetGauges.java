package dev.lifeline.control.metrics;

import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.WorkloadStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code lifeline_control_hosts{status}} and {@code lifeline_control_workloads{status}}: the fleet by status, every
 * status present (0 when none), counted over all replicas' hosts by one query per scrape ({@link #refresh()}).
 */
public final class FleetGauges {
    private final Jdbi jdbi;
    private final Map<String, AtomicLong> hosts = new LinkedHashMap<>();
    private final Map<String, AtomicLong> workloads = new LinkedHashMap<>();

    public FleetGauges(Jdbi jdbi, MeterRegistry registry) {
        this.jdbi = jdbi;
        for (HostStatus s : HostStatus.values()) {
            hosts.put(s.wireName(), gauge(registry, "lifeline.control.hosts", "Hosts by status", s.wireName()));
        }
        for (WorkloadStatus s : WorkloadStatus.values()) {
            workloads.put(s.wireName(), gauge(registry, "lifeline.control.workloads", "Workloads by status",
                    s.wireName()));
        }
    }

    private static AtomicLong gauge(MeterRegistry registry, String name, String help, String status) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get).description(help).tag("status", status).register(registry);
        return value;
    }

    /** Reads the counts now. */
    public void refresh() {
        record Count(String what, String status, long n) {}
        List<Count> counts = jdbi.withHandle(h -> h.createQuery("SELECT 'host' AS what, status, count(*) AS n "
                + "FROM hosts GROUP BY status UNION ALL SELECT 'workload', status, count(*) FROM workloads GROUP BY status")
                .map((rs, ctx) -> new Count(rs.getString("what"), rs.getString("status"), rs.getLong("n"))).list());
        hosts.values().forEach(v -> v.set(0));
        workloads.values().forEach(v -> v.set(0));
        for (Count c : counts) {
            AtomicLong value = (c.what().equals("host") ? hosts : workloads).get(c.status());
            if (value != null) {
                value.set(c.n());
            }
        }
    }
}
