package dev.lifeline.control.metrics;

import dev.lifeline.control.http.RouteSet;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: every meter of the control plane (the fleet by status, the monitor's passes and actions, the
 * JVM) in Prometheus text format. Counts only, no names, so it needs no token, like the health probes.
 */
public final class MetricsRoute implements RouteSet {
    private final PrometheusMeterRegistry registry;
    private final FleetGauges fleet;

    public MetricsRoute(PrometheusMeterRegistry registry, FleetGauges fleet) {
        this.registry = registry;
        this.fleet = fleet;
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.get("/metrics", ctx -> {
            fleet.refresh();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        });
    }
}
