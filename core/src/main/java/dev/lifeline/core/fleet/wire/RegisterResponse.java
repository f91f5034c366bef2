package dev.lifeline.core.fleet.wire;

/** The host's id and its token (kept 0600 by the agent), and the heartbeat interval the control plane wants. */
public record RegisterResponse(String hostId, String hostToken, long heartbeatIntervalMs) {}
