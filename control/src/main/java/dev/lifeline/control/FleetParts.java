package dev.lifeline.control;

import dev.lifeline.control.api.CommandSubmission;
import dev.lifeline.control.http.RouteSet;

/**
 * The parts of the control plane beside the API for people, built by their own packages: the agents' protocol
 * (register, heartbeat, long-poll: {@code control.agentapi}), the host monitor ({@code control.monitor}) and the
 * command queue the API submits users' commands to. {@code agents} is closed before the HTTP server stops, so that
 * the long-polls and heartbeats it holds are answered while the server can still send the answers.
 */
public record FleetParts(RouteSet agentProtocol, MonitorLoop monitor, CommandSubmission commands,
        AutoCloseable agents) {

    /** Builds the parts once the database, the clock and the metrics exist. */
    @FunctionalInterface
    public interface Factory {
        FleetParts create(ControlServices services);
    }
}
