package dev.lifeline.control.audit;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** Appends audit events in one statement, inside the caller's transaction. */
public final class AuditWriter {
    private AuditWriter() {}

    public static void append(Handle handle, List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        String[] at = new String[n];
        Long[] team = new Long[n];
        String[] host = new String[n];
        String[] workload = new String[n];
        String[] actorKind = new String[n];
        String[] actor = new String[n];
        String[] action = new String[n];
        String[] reason = new String[n];
        String[] outcome = new String[n];
        String[] error = new String[n];
        String[] before = new String[n];
        String[] after = new String[n];
        for (int i = 0; i < n; i++) {
            AuditEvent e = events.get(i);
            at[i] = e.at().toString();
            team[i] = e.teamId();
            host[i] = e.hostId() == null ? null : e.hostId().toString();
            workload[i] = e.workload();
            actorKind[i] = e.actor().kind();
            actor[i] = e.actor().name();
            action[i] = e.action();
            reason[i] = e.reason();
            outcome[i] = e.ok() ? "ok" : "error";
            error[i] = e.error();
            before[i] = e.beforeStatus();
            after[i] = e.afterStatus();
        }
        handle.createUpdate("""
                INSERT INTO audit_events (at, team_id, host_id, workload, actor_kind, actor, action, reason, outcome,
                                          error, before_status, after_status)
                SELECT at::timestamptz, team, host::uuid, workload, actor_kind, actor, action, reason, outcome, error,
                       before, after
                FROM unnest(:at, :team, :host, :workload, :actorKind, :actor, :action, :reason, :outcome, :error,
                            :before, :after)
                     AS e(at, team, host, workload, actor_kind, actor, action, reason, outcome, error, before, after)
                """)
                .bind("at", at).bind("team", team).bind("host", host).bind("workload", workload)
                .bind("actorKind", actorKind).bind("actor", actor).bind("action", action).bind("reason", reason)
                .bind("outcome", outcome).bind("error", error).bind("before", before).bind("after", after)
                .execute();
    }
}
