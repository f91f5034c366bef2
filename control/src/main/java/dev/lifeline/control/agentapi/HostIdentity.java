package dev.lifeline.control.agentapi;

import java.util.UUID;

/** Who a host token belongs to: the host and its team. */
public record HostIdentity(UUID host, long team) {}
