package dev.lifeline.control.auth;

import java.time.Instant;

/** A token as listed: never its secret (only its SHA-256 is stored). */
public record TokenInfo(long id, String kind, String team, String name, Instant createdAt, Instant usedAt,
        Instant revokedAt) {}
