package dev.lifeline.core.fleet.wire;

import java.util.List;

/**
 * The answer to {@code GET /v1/agent/commands?waitMs=N} (the long-poll beside the heartbeat): the host's commands not
 * delivered before, or none when the wait ran out.
 */
public record PendingCommands(List<AgentCommand> commands) {}
