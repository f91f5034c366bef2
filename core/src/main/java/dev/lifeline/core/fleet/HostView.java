package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A host as the monitor reads it.
 *
 * @param statusSince when the host took its status (the silence guard counts the hosts that turned unreachable
 *     within the last threshold)
 * @param lastHeartbeatAt the last heartbeat stored (null: never heard from since it registered)
 * @param trackedSince when this replica began watching the host: its start, or the moment it took the host's lease
 */
public record HostView(UUID id, HostStatus status, Instant statusSince, Instant lastHeartbeatAt,
        Instant registeredAt, Instant trackedSince) {
    public HostView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusSince, "statusSince");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(trackedSince, "trackedSince");
    }

    /** Online or draining: heartbeats are expected and the host's report is reconciled. */
    public boolean isReachable() {
        return status != HostStatus.UNREACHABLE;
    }

    /** The last sign of life: the last heartbeat, or the registration when none came. */
    public Instant lastHeardAt() {
        return lastHeartbeatAt != null ? lastHeartbeatAt : registeredAt;
    }
}
