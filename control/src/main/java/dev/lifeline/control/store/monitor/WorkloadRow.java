package dev.lifeline.control.store.monitor;

import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Instant;
import java.util.UUID;

/** One workload row as a monitor pass reads it. */
public record WorkloadRow(long id, UUID hostId, String name, WorkloadStatus status, Instant statusSince,
        String detail) {

    public WorkloadRecord record() {
        return new WorkloadRecord(id, name, status, statusSince, detail);
    }
}
