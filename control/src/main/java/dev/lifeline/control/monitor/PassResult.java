package dev.lifeline.control.monitor;

import dev.lifeline.control.lease.LeaseState;
import java.time.Instant;

/**
 * What one monitor pass did.
 *
 * @param tracked the hosts this replica held leases for (the silence guard's census)
 * @param planned the hosts reconciled against their report (news, a due deadline, or a change a person started)
 * @param workloadsRead the workload rows read: those that differ from their host's report, and the active ones of
 *     hosts going silent
 * @param holding a mass silence holds destructive actions
 * @param roundTrips statements and commits sent to the database
 */
public record PassResult(Instant at, LeaseState leases, int tracked, int planned, int workloadsRead,
        Applied applied, boolean holding, long roundTrips) {}
