package dev.lifeline.core.fleet;

import java.time.Instant;

/** One workload row: a stack on a host, its recorded status and when it took that status. */
public record WorkloadRecord(long id, String name, WorkloadStatus status, Instant statusSince) {}
