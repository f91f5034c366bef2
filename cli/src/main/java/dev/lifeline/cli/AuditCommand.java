package dev.lifeline.cli;

import dev.lifeline.cli.fleet.ControlClient;
import dev.lifeline.cli.fleet.ControlPages;
import dev.lifeline.cli.fleet.FleetTables;
import dev.lifeline.cli.fleet.Query;
import dev.lifeline.core.time.DurationText;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Show the fleet's audit log: what changed, who or what changed it, and why.")
final class AuditCommand implements Callable<Integer> {
    @Mixin
    ControlPlaneOptions controlPlane;

    @Option(names = "--host", paramLabel = "HOST", description = "Only this host's events (its hostname or id).")
    String host;

    @Option(names = "--workload", paramLabel = "NAME", description = "Only this workload's events.")
    String workload;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action (host_unreachable, ...).")
    String action;

    @Option(names = "--actor-kind", paramLabel = "KIND", description = "Only user or only system events.")
    String actorKind;

    @Option(names = "--outcome", paramLabel = "OUTCOME", description = "Only ok or only error events.")
    String outcome;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "From this time (2026-12-06T10:00:00Z) or this long ago (1h, 30m).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Before this time, or this long ago.")
    String until;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "The newest N events (default 50).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts (newest first).")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        Instant now = Instant.now();
        Instant from = when("--since", since, now);
        Instant to = when("--until", until, now);
        ControlClient client = controlPlane.client();
        return FleetListing.print(() -> {
            String path = new Query("v1/audit").add("host", host == null ? null
                    : ControlPlaneOptions.hostId(client, host)).add("workload", workload).add("action", action)
                    .add("actorKind", actorKind).add("outcome", outcome).add("since", from).add("until", to)
                    .toString();
            return ControlPages.collect(client, path, "events", "before", 1000, limit);
        }, json, FleetTables::audit);
    }

    /** An RFC 3339 time, or a duration meaning that long before {@code now}. */
    static Instant when(String flag, String value, Instant now) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException notATime) {
            try {
                return now.minus(DurationText.parse(flag, value));
            } catch (IllegalArgumentException notADuration) {
                throw new IllegalArgumentException(flag + ": '" + value + "' is neither a time "
                        + "(2026-12-06T10:00:00Z) nor a duration ago (90m, 2h, 7d)");
            }
        }
    }
}
