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
 * @param report whether a report is stored and can be read (a jsonb array)
 * @param compareAll every stack of its report is compared with the records, not only those on its change list: the
 *     list is unknown, a deadline is due (a write may have lost a race), or this replica took its lease since the
 *     previous pass (it did not watch what happened meanwhile)
 */
public record HostRow(UUID id, long teamId, HostStatus status, Instant statusSince, Instant lastHeartbeatAt,
        Instant registeredAt, Instant trackedSince, long reportSeq, long reconciledSeq, Instant nextCheckAt,
        boolean needsPlan, Report report, boolean compareAll) {

    /** What the host's stored report is. */
    public enum Report { NONE, READABLE, UNREADABLE }

    public HostView view() {
        return new HostView(id, status, statusSince, lastHeartbeatAt, registeredAt, trackedSince);
    }
}
