package dev.lifeline.control.agentapi;

import dev.lifeline.control.auth.Tokens;
import dev.lifeline.control.store.Database;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Rows a test needs that other parts of the control plane make (teams, join tokens, workloads), written straight
 * into the real database, and the counts a test checks.
 */
public record Fleet(Database db) {

    public long team(String name) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "INSERT INTO teams (name, created_at) VALUES (:name, now()) RETURNING id")
                .bind("name", name).mapTo(Long.class).one());
    }

    /** A fresh join token of the team (only its hash is stored, as the API stores it). */
    public String joinToken(long team) {
        String token = Tokens.generate("join");
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO tokens (kind, team_id, sha256, name, created_at) "
                + "VALUES ('join', :team, :sha, 'test join token', now())")
                .bind("team", team).bind("sha", Tokens.sha256(token)).execute());
        return token;
    }

    public long workload(UUID host, String name, WorkloadStatus status) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated)
                SELECT id, team_id, :name, :status, now(), now() FROM hosts WHERE id = :host RETURNING id
                """).bind("host", host).bind("name", name).bind("status", status.wireName())
                .mapTo(Long.class).one());
    }

    public WorkloadStatus workloadStatus(UUID host, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM workloads WHERE host_id = :host AND "
                + "name = :name").bind("host", host).bind("name", name).mapTo(String.class).findOne()
                .map(WorkloadStatus::fromWire).orElse(null));
    }

    public void setHostStatus(UUID host, String status) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE hosts SET status = :s, status_since = now() WHERE id = :h")
                .bind("s", status).bind("h", host).execute());
    }

    public Map<String, Object> host(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status, report::text AS report, report_seq, "
                + "agent_version, last_heartbeat_at FROM hosts WHERE id = :h").bind("h", host).mapToMap().one());
    }

    /** The host's change list (stacks whose report changed since the monitor reconciled it); null when unknown. */
    public List<String> reportChanges(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT report_changes FROM hosts WHERE id = :h")
                .bind("h", host).map((rs, ctx) -> {
                    java.sql.Array names = rs.getArray(1);
                    return names == null ? null : List.of((String[]) names.getArray());
                }).one());
    }

    /** As the monitor leaves a host it reconciled: its change list empty. */
    public void reconciled(UUID host) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE hosts SET report_changes = '{}', reconciled_seq = report_seq "
                + "WHERE id = :h").bind("h", host).execute());
    }

    public Map<String, Object> command(UUID id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT state, error, delivered_at, finished_at FROM commands "
                + "WHERE id = :id").bind("id", id).mapToMap().one());
    }

    public List<Map<String, Object>> audit(String action) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM audit_events WHERE action = :a ORDER BY id")
                .bind("a", action).mapToMap().list());
    }

    /** Row counts of every table a request could write: a refused request changes none of them. */
    public Map<String, Long> counts() {
        return db.jdbi().withHandle(h -> Map.of(
                "hosts", count(h, "hosts"), "tokens", count(h, "tokens"), "commands", count(h, "commands"),
                "audit_events", count(h, "audit_events"), "workloads", count(h, "workloads"),
                "reports", h.createQuery("SELECT coalesce(sum(report_seq), 0) FROM hosts").mapTo(Long.class).one(),
                "used_tokens", h.createQuery("SELECT count(*) FROM tokens WHERE used_at IS NOT NULL")
                        .mapTo(Long.class).one(),
                "finished_commands", h.createQuery("SELECT count(*) FROM commands WHERE state IN ('done', "
                        + "'failed')").mapTo(Long.class).one()));
    }

    private static long count(Handle h, String table) {
        return h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
    }

    static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
