package dev.lifeline.control.api;

import java.util.UUID;

/** The workload list's filters (each null when not given) and its page: {@code limit} workloads with ids above {@code after}. */
public record WorkloadFilter(UUID host, String status, String team, Long after, int limit) {}
