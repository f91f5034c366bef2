package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.UUID;

/**
 * A host as the monitor reads it.
 *
 * @param lastHeartbeatAt the last heartbeat stored (null: never heard from since it registered)
 * @param trackedSince when this replica began watching the host: its start, or the moment it took the host's lease
 */
public record HostView(UUID id, HostStatus status, Instant lastHeartbeatAt, Instant registeredAt,
        Instant trackedSince) {}
