package dev.lifeline.control.monitor;

import dev.lifeline.control.store.monitor.FleetCounts;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.WorkloadStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The monitor's meters. In Prometheus: {@code lifeline_hosts{status}} and {@code lifeline_workloads{status}} (the
 * whole fleet as the database holds it: every replica reports the same figures, so take their max), {@code
 * lifeline_monitor_pass_seconds} (count, sum, max), {@code lifeline_monitor_pass_failures_total}, {@code
 * lifeline_monitor_actions_total{kind}} (writes that took effect), {@code lifeline_monitor_leases_held} and {@code
 * lifeline_monitor_mass_silence_hold} (1 while held) for this replica.
 */
public final class MonitorMetrics {
    private final Timer pass;
    private final Counter failures;
    private final Map<ActionKind, Counter> actions = new EnumMap<>(ActionKind.class);
    private volatile FleetCounts counts = FleetCounts.none();
    private volatile int leasesHeld;
    private volatile boolean holding;

    public MonitorMetrics(MeterRegistry registry) {
        pass = Timer.builder("lifeline.monitor.pass").description("Duration of one host monitor pass")
                .register(registry);
        failures = Counter.builder("lifeline.monitor.pass.failures")
                .description("Monitor passes that failed and were rolled back").register(registry);
        for (ActionKind kind : ActionKind.values()) {
            actions.put(kind, Counter.builder("lifeline.monitor.actions").tag("kind", kind.tag())
                    .description("Monitor writes that took effect, by kind").register(registry));
        }
        for (HostStatus status : HostStatus.values()) {
            Gauge.builder("lifeline.hosts", this, m -> m.counts.hosts().getOrDefault(status, 0L))
                    .tag("status", status.wireName()).description("Hosts of the fleet by status")
                    .strongReference(true).register(registry);
        }
        for (WorkloadStatus status : WorkloadStatus.values()) {
            Gauge.builder("lifeline.workloads", this, m -> m.counts.workloads().getOrDefault(status, 0L))
                    .tag("status", status.wireName()).description("Workloads of the fleet by status")
                    .strongReference(true).register(registry);
        }
        Gauge.builder("lifeline.monitor.leases.held", this, m -> m.leasesHeld)
                .description("Hosts this replica holds the lease for").strongReference(true).register(registry);
        Gauge.builder("lifeline.monitor.mass.silence.hold", this, m -> m.holding ? 1 : 0)
                .description("1 while a mass silence holds destructive actions").strongReference(true)
                .register(registry);
    }

    void passed(PassResult result, Duration took) {
        pass.record(took);
        result.applied().counts().forEach((kind, n) -> actions.get(kind).increment(n));
        leasesHeld = result.leases().held();
        holding = result.holding();
    }

    void failed(Duration took) {
        pass.record(took);
        failures.increment();
    }

    void counted(FleetCounts fleet) {
        counts = fleet;
    }
}
