package dev.lifeline.control.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The monitor's meters, this replica's. In Prometheus: {@code lifeline_control_monitor_pass_seconds} (count, sum,
 * max), {@code lifeline_control_monitor_pass_failures_total}, {@code lifeline_control_monitor_actions_total{kind}}
 * (writes that took effect), {@code lifeline_control_monitor_leases_held}, {@code
 * lifeline_control_monitor_mass_silence_hold} (1 while held). The fleet's hosts and workloads by status are the
 * metrics endpoint's, counted at each scrape.
 */
public final class MonitorMetrics {
    private final Timer pass;
    private final Counter failures;
    private final Map<ActionKind, Counter> actions = new EnumMap<>(ActionKind.class);
    private volatile int leasesHeld;
    private volatile boolean holding;

    public MonitorMetrics(MeterRegistry registry) {
        pass = Timer.builder("lifeline.control.monitor.pass").description("Duration of one host monitor pass")
                .register(registry);
        failures = Counter.builder("lifeline.control.monitor.pass.failures")
                .description("Monitor passes that failed and were rolled back").register(registry);
        for (ActionKind kind : ActionKind.values()) {
            actions.put(kind, Counter.builder("lifeline.control.monitor.actions").tag("kind", kind.tag())
                    .description("Monitor writes that took effect, by kind").register(registry));
        }
        Gauge.builder("lifeline.control.monitor.leases.held", this, m -> m.leasesHeld)
                .description("Hosts this replica holds the lease for").strongReference(true).register(registry);
        Gauge.builder("lifeline.control.monitor.mass.silence.hold", this, m -> m.holding ? 1 : 0)
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

}
