package dev.lifeline.control.auth;

import java.time.Instant;

/** A tenant: every host, workload, command, team token and audit event belongs to one. */
public record Team(long id, String name, Instant createdAt) {
    public static final String DEFAULT = "default";
}
