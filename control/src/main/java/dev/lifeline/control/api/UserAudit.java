package dev.lifeline.control.api;

import static dev.lifeline.control.store.SqlTime.at;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Audit events of people's changes to teams and tokens, written in the change's own transaction. */
final class UserAudit {
    private UserAudit() {}

    static void append(Handle h, Long teamId, String actor, String action, String reason, Instant when) {
        h.createUpdate("INSERT INTO audit_events (at, team_id, actor_kind, actor, action, reason, outcome) "
                + "VALUES (:at, :team, 'user', :actor, :action, :reason, 'ok')").bind("at", at(when))
                .bind("team", teamId).bind("actor", actor).bind("action", action).bind("reason", reason).execute();
    }
}
