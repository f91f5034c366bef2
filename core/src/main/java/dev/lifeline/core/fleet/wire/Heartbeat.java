package dev.lifeline.core.fleet.wire;

import java.util.List;

/**
 * {@code POST /v1/agent/heartbeat}, authenticated by the host token: the agent's full stack report (every stack it
 * knows, so that an absent name means absent), the results it has not seen acknowledged, and a sequence number that
 * grows with every heartbeat of one agent run.
 */
public record Heartbeat(long sequence, String agentVersion, List<ReportedStack> stacks, List<CommandResult> results) {}
