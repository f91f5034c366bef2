package dev.lifeline.control.agentapi;

import java.time.Duration;

/**
 * The agent API's knobs.
 *
 * @param heartbeatInterval what agents are told to use (the monitor's unreachable threshold is a few of these)
 * @param maxHeartbeatBytes a larger heartbeat body is refused (413) before it is read
 * @param maxStacks most stacks in one report
 * @param maxResults most command results in one heartbeat
 * @param maxLongPoll the longest a long-poll waits (a larger waitMs is refused)
 * @param maxBatch most heartbeats written in one transaction
 * @param tokenCacheTtl how long a host token's lookup is kept: a revoked token stops working within this
 */
public record AgentApiSettings(Duration heartbeatInterval, int maxHeartbeatBytes, int maxStacks, int maxResults,
        Duration maxLongPoll, int maxBatch, Duration tokenCacheTtl) {

    public static final int MAX_REGISTER_BYTES = 16 * 1024;
    public static final int MAX_DETAIL_LENGTH = 1_000;
    public static final int MAX_ERROR_LENGTH = 4_000;
    public static final int MAX_VERSION_LENGTH = 100;

    public static AgentApiSettings defaults(Duration heartbeatInterval) {
        return new AgentApiSettings(heartbeatInterval, 1024 * 1024, 2_000, 1_000, Duration.ofSeconds(30), 500,
                Duration.ofSeconds(60));
    }

    public AgentApiSettings {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat-interval must be positive, got " + heartbeatInterval);
        }
        if (maxHeartbeatBytes < 1024 || maxStacks < 1 || maxResults < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("agent API limits must be positive");
        }
    }
}
