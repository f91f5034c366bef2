package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A host's latest report: every stack it knows (a name not listed is absent from the host), its sequence (grows with
 * every heartbeat), and when it was last received.
 *
 * @param receivedAt the latest heartbeat that carried this report: the report is known true as of this instant (a
 *     heartbeat repeating the same stacks confirms it, so this is the host's last heartbeat, not when the stacks
 *     last changed). The monitor infers from absence only with a report received after a grace ran out.
 */
public record HostReport(long sequence, Instant receivedAt, List<ReportedWorkload> workloads) {
    public HostReport {
        Objects.requireNonNull(receivedAt, "receivedAt");
        workloads = List.copyOf(workloads);
        Set<String> names = new HashSet<>();
        for (ReportedWorkload w : workloads) {
            if (!names.add(w.name())) {
                throw new IllegalArgumentException("the report of sequence " + sequence + " lists stack '" + w.name()
                        + "' twice: an agent reports each stack once; refuse the heartbeat at ingest");
            }
        }
    }
}
