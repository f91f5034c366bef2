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

@Command(name = "hosts", description = "List the fleet's hosts: status, last heartbeat, agent version, workloads.")
final class HostsCommand implements Callable<Integer> {
    @Mixin
    ControlPlaneOptions controlPlane;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only online, unreachable or draining hosts.")
    String status;

    @Option(names = "--team", paramLabel = "TEAM", description = "Only this team's hosts (the operator's token).")
    String team;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        ControlClient client = controlPlane.client();
        String path = new Query("v1/hosts").add("status", status).add("team", team).toString();
        return FleetListing.print(() -> ControlPages.collect(client, path, "hosts", "after", 500, Integer.MAX_VALUE),
                json, hosts -> FleetTables.hosts(hosts, Instant.now()));
    }
}
