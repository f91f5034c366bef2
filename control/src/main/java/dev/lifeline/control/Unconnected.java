package dev.lifeline.control;

import dev.lifeline.control.api.CommandSubmission;
import dev.lifeline.control.http.RouteSet;

/**
 * The fleet's parts for a build in which the agents' protocol, the monitor and the command queue are not connected
 * yet: no agent routes, a monitor that never runs (so {@code /health/ready} says so), and commands refused with 503.
 * Nothing here pretends: each says it is absent. {@code lifeline control} uses {@link #parts} until the real parts
 * are wired in {@link ControlPlane#fleetParts()}.
 */
final class Unconnected {
    private Unconnected() {}

    static FleetParts parts(ControlServices services) {
        RouteSet noAgentRoutes = config -> { };
        CommandSubmission refuse = order -> new CommandSubmission.Outcome.Unavailable(
                "this build of the control plane has no command queue connected; nothing was queued");
        return new FleetParts(noAgentRoutes, new IdleMonitor(), refuse);
    }

    private static final class IdleMonitor implements MonitorLoop {
        @Override
        public void start() {}

        @Override
        public boolean firstPassDone() {
            return false;
        }

        @Override
        public void close() {}
    }
}
