package dev.lifeline.core.fleet.wire;

import java.util.List;

/**
 * The commands pending for this host (the same id again until its result arrives), the result ids now stored (the
 * agent stops sending those), and the interval until the next heartbeat.
 */
public record HeartbeatResponse(List<AgentCommand> commands, List<String> acknowledgedResults,
        long heartbeatIntervalMs) {}
