package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.List;

/** A host's latest report: every stack it knows, when it arrived, and its sequence (grows with every heartbeat). */
public record HostReport(long sequence, Instant receivedAt, List<ReportedWorkload> workloads) {
    public HostReport {
        workloads = List.copyOf(workloads);
    }
}
