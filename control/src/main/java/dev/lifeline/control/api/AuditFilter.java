package dev.lifeline.control.api;

import java.time.Instant;
import java.util.UUID;

/** The audit log's filters (each null when not given) and its page: {@code limit} events with ids below {@code before}. */
public record AuditFilter(UUID host, String workload, String action, String actorKind, String outcome, Instant since,
        Instant until, Long before, int limit) {}
