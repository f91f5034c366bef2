package dev.lifeline.cli;

import dev.lifeline.cli.fleet.ControlClient;
import dev.lifeline.cli.fleet.ControlPages;
import dev.lifeline.cli.fleet.FleetTables;
import dev.lifeline.cli.fleet.Query;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "workloads", description = "List the fleet's workloads (one per stack on a host) with their status.")
final class WorkloadsCommand implements Callable<Integer> {
    @Mixin
    ControlPlaneOptions controlPlane;

    @Option(names = "--host", paramLabel = "HOST", description = "Only this host's (its hostname or id).")
    String host;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only with this status (running, missing, ...).")
    String status;

    @Option(names = "--team", paramLabel = "TEAM", description = "Only this team's (the operator's token).")
    String team;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N (default 1000).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        ControlClient client = controlPlane.client();
        return FleetListing.print(() -> {
            String path = new Query("v1/workloads").add("host", host == null ? null
                    : ControlPlaneOptions.hostId(client, host)).add("status", status).add("team", team).toString();
            return ControlPages.collect(client, path, "workloads", "after", 1000, limit);
        }, json, workloads -> FleetTables.workloads(workloads, Instant.now()));
    }
}
