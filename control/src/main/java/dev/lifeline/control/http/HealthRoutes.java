package dev.lifeline.control.http;

import io.javalin.config.JavalinConfig;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (200 once what {@code readiness} checks is
 * true, else 503 with why), without a token, for load balancers and systemd.
 */
public final class HealthRoutes implements RouteSet {
    private final Supplier<Readiness> readiness;

    /** Ready, or why not. */
    public record Readiness(boolean ready, String detail) {}

    public HealthRoutes(Supplier<Readiness> readiness) {
        this.readiness = readiness;
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "live")));
        config.routes.get("/health/ready", ctx -> {
            Readiness r = readiness.get();
            ctx.status(r.ready() ? 200 : 503).json(Map.of("status", r.ready() ? "ready" : "not_ready", "detail",
                    r.detail()));
        });
    }
}
