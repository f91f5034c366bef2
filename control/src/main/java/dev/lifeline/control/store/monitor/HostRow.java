package dev.lifeline.control.store.monitor;

import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import java.time.Instant;
import java.util.UUID;

/**
 * A host as one monitor pass reads it.
 *
 * @param trackedSince when this replica began watching it: its start or when it took the host's lease, the later
 * @param reportJson the latest report as stored ({@code [{name, status, detail}]}); read only for a host with news or
 *     a due deadline, else null
 */
public record HostRow(UUID id, long teamId, HostStatus status, Instant statusSince, Instant lastHeartbeatAt,
        Instant registeredAt, Instant trackedSince, long reportSeq, long reconciledSeq, Instant nextCheckAt,
        String reportJson) {

    public HostView view() {
        return new HostView(id, status, lastHeartbeatAt, registeredAt, trackedSince);
    }

    /** A report arrived that the monitor has not reconciled yet. */
    public boolean hasNews() {
        return reportSeq > reconciledSeq;
    }

    public boolean isDue(Instant now) {
        return nextCheckAt != null && !nextCheckAt.isAfter(now);
    }

    /** Online or draining: reconciled against its reports, and can go silent. */
    public boolean isWatched() {
        return status != HostStatus.UNREACHABLE;
    }
}
