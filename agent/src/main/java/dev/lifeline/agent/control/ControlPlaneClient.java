package dev.lifeline.agent.control;

import dev.lifeline.core.fleet.wire.Heartbeat;
import dev.lifeline.core.fleet.wire.HeartbeatResponse;
import dev.lifeline.core.fleet.wire.PendingCommands;
import dev.lifeline.core.fleet.wire.RegisterRequest;
import dev.lifeline.core.fleet.wire.RegisterResponse;
import java.time.Duration;
import java.util.Collection;

/**
 * Port to the fleet control plane. The agent always calls (a host behind NAT needs no inbound port). Every method
 * throws {@link ControlPlaneException} when the call did not succeed, saying whether trying again later can help.
 */
public interface ControlPlaneClient {

    /** Trades the one-time join token for this host's id and token. */
    RegisterResponse register(RegisterRequest request);

    /** Pushes the full stack report and the unacknowledged results; answers the pending commands. */
    HeartbeatResponse heartbeat(String hostToken, Heartbeat heartbeat);

    /**
     * Waits up to {@code wait} for commands the agent does not have (the long-poll beside the heartbeat); {@code known}
     * names those it has: being applied, or finished with the result not yet acknowledged.
     */
    PendingCommands awaitCommands(String hostToken, Duration wait, Collection<String> known);
}
