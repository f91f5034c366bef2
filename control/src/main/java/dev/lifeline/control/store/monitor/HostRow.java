package dev.lifeline.control.store.monitor;

import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import java.time.Instant;
import java.util.UUID;

/**
 * A host as one monitor pass reads it.
 *
 * @param trackedSince when this replica began watching it: its start or when it took the host's lease, the later
 * @param needsPlan reachable, with news (a report not reconciled yet), a due deadline, or a change a person started
 * @param reportJson the latest report as stored ({@code [{name, status, detail}]}) when the host needs planning,
 *     else null
 */
public record HostRow(UUID id, long teamId, HostStatus status, Instant statusSince, Instant lastHeartbeatAt,
        Instant registeredAt, Instant trackedSince, long reportSeq, long reconciledSeq, Instant nextCheckAt,
        boolean needsPlan, String reportJson) {

    public HostView view() {
        return new HostView(id, status, statusSince, lastHeartbeatAt, registeredAt, trackedSince);
    }
}
