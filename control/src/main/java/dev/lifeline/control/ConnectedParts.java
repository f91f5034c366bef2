package dev.lifeline.control;

import dev.lifeline.control.agentapi.AgentApi;
import dev.lifeline.control.agentapi.AgentApiSettings;
import dev.lifeline.control.api.CommandSubmission;
import dev.lifeline.control.api.CommandSubmission.Order;
import dev.lifeline.control.api.CommandSubmission.Outcome;
import dev.lifeline.control.command.CommandConflictException;
import dev.lifeline.control.command.SubmittedCommand;
import dev.lifeline.control.command.UnknownWorkloadException;
import dev.lifeline.control.config.ControlConfig;
import dev.lifeline.control.lease.HostLeases;
import dev.lifeline.control.lease.Replica;
import dev.lifeline.control.monitor.HostMonitor;
import dev.lifeline.control.monitor.MonitorSettings;
import dev.lifeline.control.monitor.ThreadScheduler;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The fleet's real parts, joined: this replica's host monitor (its leases, its passes), the agents' protocol (whose
 * ingest tells the monitor at once when an unreachable host heartbeats again, and whose LISTEN connection hears the
 * same from other replicas' ingests), and the command queue behind the API's command route.
 */
final class ConnectedParts {
    private ConnectedParts() {}

    static FleetParts create(ControlServices services) {
        ControlConfig config = services.config();
        Replica replica = Replica.startingNow(services.clock().instant());
        MonitorSettings settings = MonitorSettings.of(config.monitorInterval(), config.rules());
        HostMonitor monitor = new HostMonitor(services.database().jdbi(),
                new HostLeases(replica, settings.leasePeriod()), settings, services.clock(), services.metrics(),
                new ThreadScheduler(), null);
        AgentApi agents;
        try {
            agents = AgentApi.start(services.database(), services.clock(),
                    AgentApiSettings.defaults(config.heartbeatInterval()), monitor::hostCameBack, replica.id());
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
        return new FleetParts(agents.routes(), monitor, submission(agents, services.database().jdbi()), agents);
    }

    /** The API's command route, handed to the agents' command queue under the host's own team. */
    private static CommandSubmission submission(AgentApi agents, Jdbi jdbi) {
        return (Order order) -> {
            Optional<Long> team = jdbi.withHandle(h -> h.createQuery("SELECT team_id FROM hosts WHERE id = :id")
                    .bind("id", order.host()).mapTo(Long.class).findOne());
            if (team.isEmpty()) {
                return new Outcome.Gone("host " + order.host() + " was removed meanwhile");
            }
            try {
                SubmittedCommand submitted = agents.commands().submit(team.get(), order.host(), order.workload(),
                        order.kind(), order.actor(), order.reason());
                return new Outcome.Accepted(submitted.id());
            } catch (UnknownWorkloadException e) {
                return new Outcome.Gone(e.getMessage());
            } catch (CommandConflictException e) {
                return new Outcome.Conflict(e.getMessage());
            }
        };
    }
}
