package dev.lifeline.control.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the append-only audit log.
 *
 * @param teamId null for a fleet-wide event
 * @param hostId null when no host is concerned
 * @param workload null when no workload is concerned
 * @param ok the outcome: true = ok, false = error (with {@code error})
 */
public record AuditEvent(Instant at, Long teamId, UUID hostId, String workload, Actor actor, String action,
        String reason, boolean ok, String error, String beforeStatus, String afterStatus) {

    /** Who acted: a person (by name) or the control plane itself (by component). */
    public record Actor(String kind, String name) {
        public static Actor user(String name) {
            return new Actor("user", name);
        }

        public static Actor system(String component) {
            return new Actor("system", component);
        }
    }
}
