package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * One workload row: a stack on a host, its recorded status, when it took that status, and the detail last reported
 * (null: none yet). The monitor compares the detail with the report's to note a change.
 */
public record WorkloadRecord(long id, String name, WorkloadStatus status, Instant statusSince, String detail) {
    public WorkloadRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusSince, "statusSince");
    }
}
