package dev.lifeline.control;

import static dev.lifeline.control.store.SqlTime.at;

import dev.lifeline.control.auth.TokenKind;
import dev.lifeline.control.auth.TokenStore;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Rows written straight into the store, as the agents' protocol and the monitor would leave them. */
public final class FleetRows {
    public static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private final Jdbi jdbi;

    public FleetRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public long team(String name) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO teams (name, created_at) VALUES (:n, :t) "
                + "ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id").bind("n", name)
                .bind("t", at(T0)).mapTo(Long.class).one());
    }

    /** A team token's secret. */
    public String teamToken(long team, String name) {
        return jdbi.inTransaction(h -> new TokenStore(jdbi).mint(h, TokenKind.TEAM, team, name, T0).token());
    }

    public String token(TokenKind kind, Long team, String name) {
        return jdbi.inTransaction(h -> new TokenStore(jdbi).mint(h, kind, team, name, T0).token());
    }

    public UUID host(long team, String hostname, String status, Instant lastHeartbeat, String agentVersion) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO hosts (id, team_id, hostname, status, status_since, "
                + "agent_version, registered_at, last_heartbeat_at) VALUES (:id, :team, :hostname, :status, :t0, "
                + ":version, :t0, :hb)").bind("id", id).bind("team", team).bind("hostname", hostname)
                .bind("status", status).bind("t0", at(T0)).bind("version", agentVersion)
                .bind("hb", at(lastHeartbeat)).execute());
        return id;
    }

    public long workload(UUID host, long team, String name, String status, String detail) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO workloads (host_id, team_id, name, status, "
                + "status_since, last_updated, detail) VALUES (:host, :team, :name, :status, :t0, :t0, :detail) "
                + "RETURNING id").bind("host", host).bind("team", team).bind("name", name).bind("status", status)
                .bind("t0", at(T0)).bind("detail", detail).mapTo(Long.class).one());
    }

    public long audit(Long team, UUID host, String workload, String actorKind, String action, String outcome,
            Instant when) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO audit_events (at, team_id, host_id, workload, "
                + "actor_kind, actor, action, reason, outcome, error, before_status, after_status) VALUES (:at, "
                + ":team, :host, :workload, :kind, :actor, :action, 'test', :outcome, :error, 'running', 'stopped') "
                + "RETURNING id").bind("at", at(when)).bind("team", team).bind("host", host)
                .bind("workload", workload).bind("kind", actorKind)
                .bind("actor", actorKind.equals("user") ? "admin" : "monitor").bind("action", action)
                .bind("outcome", outcome).bind("error", outcome.equals("error") ? "boom" : null)
                .mapTo(Long.class).one());
    }

    /** A command row as the queue and the agent's results leave it. */
    public UUID command(long team, UUID host, String workload, String kind, String state, Instant createdAt) {
        UUID id = UUID.randomUUID();
        boolean finished = state.equals("done") || state.equals("failed");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO commands (id, team_id, host_id, workload, kind, state, actor, "
                + "reason, created_at, finished_at, error) VALUES (:id, :team, :host, :workload, :kind, :state, "
                + "'admin', '', :at, :finished, :error)").bind("id", id).bind("team", team).bind("host", host)
                .bind("workload", workload).bind("kind", kind).bind("state", state).bind("at", at(createdAt))
                .bind("finished", finished ? at(createdAt.plusSeconds(60)) : null)
                .bind("error", state.equals("failed") ? "restic: repository locked" : null).execute());
        return id;
    }

    public int count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
    }
}
