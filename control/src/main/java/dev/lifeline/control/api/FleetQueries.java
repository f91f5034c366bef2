package dev.lifeline.control.api;

import static dev.lifeline.control.store.SqlTime.read;
import static dev.lifeline.control.store.SqlTime.at;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.api.Views.AuditEvent;
import dev.lifeline.control.api.Views.AuditPage;
import dev.lifeline.control.api.Views.BackupStatus;
import dev.lifeline.control.api.Views.Command;
import dev.lifeline.control.api.Views.Host;
import dev.lifeline.control.api.Views.HostList;
import dev.lifeline.control.api.Views.Workload;
import dev.lifeline.control.api.Views.WorkloadList;
import dev.lifeline.control.auth.TeamScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The API's reads of the fleet, each scoped to the caller's teams ({@link TeamScope}) in SQL, so that a row of
 * another team is never read at all. Lists are paged by a cursor (the last row's key), never by offset.
 */
public final class FleetQueries {
    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() {};
    private static final String HOST_SELECT = "SELECT h.id, h.hostname, t.name AS team, h.status, h.status_since, "
            + "h.last_heartbeat_at, h.agent_version, h.registered_at, COALESCE(c.counts, '{}'::jsonb)::text AS counts "
            + "FROM hosts h JOIN teams t ON t.id = h.team_id LEFT JOIN LATERAL (SELECT jsonb_object_agg(status, n) "
            + "AS counts FROM (SELECT status, count(*) AS n FROM workloads w WHERE w.host_id = h.id GROUP BY status) s)"
            + " c ON true";
    private static final String WORKLOAD_SELECT = "SELECT w.id, w.host_id, h.hostname, t.name AS team, w.name, "
            + "w.status, w.status_since, w.last_updated, w.detail FROM workloads w JOIN hosts h ON h.id = w.host_id "
            + "JOIN teams t ON t.id = w.team_id";
    private static final String COMMAND_COLUMNS = "id, host_id, workload, kind, state, actor, reason, created_at, "
            + "delivered_at, finished_at, error";
    private static final RowMapper<Workload> WORKLOAD = (rs, ctx) -> new Workload(rs.getLong("id"),
            rs.getObject("host_id", UUID.class), rs.getString("hostname"), rs.getString("team"), rs.getString("name"),
            rs.getString("status"), read(rs, "status_since"), read(rs, "last_updated"), rs.getString("detail"));
    private static final RowMapper<Command> COMMAND = (rs, ctx) -> command(rs);
    private static final RowMapper<AuditEvent> AUDIT = (rs, ctx) -> new AuditEvent(rs.getLong("id"),
            read(rs, "at"), rs.getString("team"), rs.getObject("host_id", UUID.class), rs.getString("hostname"),
            rs.getString("workload"), rs.getString("actor_kind"), rs.getString("actor"), rs.getString("action"),
            rs.getString("reason"), rs.getString("outcome"), rs.getString("error"), rs.getString("before_status"),
            rs.getString("after_status"));

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final RowMapper<Host> hostMapper;

    public FleetQueries(Jdbi jdbi, ObjectMapper json) {
        this.jdbi = jdbi;
        this.json = json;
        this.hostMapper = (rs, ctx) -> new Host(rs.getObject("id", UUID.class), rs.getString("hostname"),
                rs.getString("team"), rs.getString("status"), read(rs, "status_since"),
                read(rs, "last_heartbeat_at"), rs.getString("agent_version"), read(rs, "registered_at"),
                counts(rs.getString("counts")));
    }

    /** Hosts by hostname; {@code after} is the id of the previous page's last host. */
    public HostList hosts(TeamScope scope, String status, String team, UUID after, int limit) {
        Conditions where = scoped(scope, "h.team_id").add("h.status = :status", "status", status)
                .add("t.name = :team", "team", team)
                .add("(h.hostname, h.id) > (SELECT hostname, id FROM hosts WHERE id = :after)", "after", after);
        List<Host> rows = jdbi.withHandle(h -> where.bindTo(h.createQuery(HOST_SELECT + where.where()
                + " ORDER BY h.hostname, h.id LIMIT :limit")).bind("limit", limit + 1).map(hostMapper).list());
        return page(rows, limit, Host::id, HostList::new);
    }

    public Optional<Host> host(TeamScope scope, UUID id) {
        Conditions where = scoped(scope, "h.team_id").add("h.id = :id", "id", id);
        return jdbi.withHandle(h -> where.bindTo(h.createQuery(HOST_SELECT + where.where())).map(hostMapper)
                .findOne());
    }

    /** Every workload of one host, by name (the host was checked against the caller's scope). */
    public List<Workload> workloadsOf(UUID host) {
        return jdbi.withHandle(h -> h.createQuery(WORKLOAD_SELECT + " WHERE w.host_id = :host ORDER BY w.name")
                .bind("host", host).map(WORKLOAD).list());
    }

    public Optional<Workload> workload(TeamScope scope, UUID host, String name) {
        Conditions where = scoped(scope, "w.team_id").add("w.host_id = :host", "host", host)
                .add("w.name = :name", "name", name);
        return jdbi.withHandle(h -> where.bindTo(h.createQuery(WORKLOAD_SELECT + where.where())).map(WORKLOAD)
                .findOne());
    }

    public WorkloadList workloads(TeamScope scope, WorkloadFilter f) {
        Conditions where = scoped(scope, "w.team_id").add("w.host_id = :host", "host", f.host())
                .add("w.status = :status", "status", f.status()).add("t.name = :team", "team", f.team())
                .add("w.id > :after", "after", f.after());
        List<Workload> rows = jdbi.withHandle(h -> where.bindTo(h.createQuery(WORKLOAD_SELECT + where.where()
                + " ORDER BY w.id LIMIT :limit")).bind("limit", f.limit() + 1).map(WORKLOAD).list());
        return page(rows, f.limit(), Workload::id, WorkloadList::new);
    }

    public Optional<Command> command(TeamScope scope, UUID id) {
        Conditions where = scoped(scope, "team_id").add("id = :id", "id", id);
        return jdbi.withHandle(h -> where.bindTo(h.createQuery("SELECT " + COMMAND_COLUMNS + " FROM commands"
                + where.where())).map(COMMAND).findOne());
    }

    /** Per stack: its status and reported detail, its newest backup command and when a backup last succeeded. */
    public List<BackupStatus> backups(TeamScope scope, UUID host, String team) {
        Conditions where = scoped(scope, "w.team_id").add("w.host_id = :host", "host", host)
                .add("t.name = :team", "team", team);
        String last = "SELECT " + COMMAND_COLUMNS + " FROM commands c WHERE c.host_id = w.host_id "
                + "AND c.workload = w.name AND c.kind = 'backup'";
        String sql = "SELECT w.host_id AS w_host_id, h.hostname, t.name AS team, w.name AS w_name, w.status AS "
                + "w_status, w.detail AS w_detail, ok.finished_at AS last_ok, b.* FROM workloads w "
                + "JOIN hosts h ON h.id = w.host_id JOIN teams t ON t.id = w.team_id "
                + "LEFT JOIN LATERAL (" + last + " ORDER BY c.created_at DESC LIMIT 1) b ON true "
                + "LEFT JOIN LATERAL (SELECT c.finished_at FROM commands c WHERE c.host_id = w.host_id AND "
                + "c.workload = w.name AND c.kind = 'backup' AND c.state = 'done' ORDER BY c.created_at DESC LIMIT 1)"
                + " ok ON true" + where.where() + " ORDER BY h.hostname, w.name";
        return jdbi.withHandle(h -> where.bindTo(h.createQuery(sql)).map((rs, ctx) -> new BackupStatus(
                rs.getObject("w_host_id", UUID.class), rs.getString("hostname"), rs.getString("team"),
                rs.getString("w_name"), rs.getString("w_status"), rs.getString("w_detail"),
                rs.getObject("id") == null ? null : command(rs), read(rs, "last_ok"))).list());
    }

    /** Newest first; {@code before} is the id of the previous page's last event. */
    public AuditPage audit(TeamScope scope, AuditFilter f) {
        Conditions where = scoped(scope, "a.team_id").add("a.host_id = :host", "host", f.host())
                .add("a.workload = :workload", "workload", f.workload()).add("a.action = :action", "action", f.action())
                .add("a.actor_kind = :actorKind", "actorKind", f.actorKind())
                .add("a.outcome = :outcome", "outcome", f.outcome()).add("a.at >= :since", "since", at(f.since()))
                .add("a.at < :until", "until", at(f.until())).add("a.id < :before", "before", f.before());
        List<AuditEvent> rows = jdbi.withHandle(h -> where.bindTo(h.createQuery("SELECT a.id, a.at, t.name AS team, "
                + "a.host_id, h.hostname, a.workload, a.actor_kind, a.actor, a.action, a.reason, a.outcome, a.error, "
                + "a.before_status, a.after_status FROM audit_events a LEFT JOIN teams t ON t.id = a.team_id "
                + "LEFT JOIN hosts h ON h.id = a.host_id" + where.where() + " ORDER BY a.id DESC LIMIT :limit"))
                .bind("limit", f.limit() + 1).map(AUDIT).list());
        return page(rows, f.limit(), AuditEvent::id, AuditPage::new);
    }

    private static Conditions scoped(TeamScope scope, String column) {
        return new Conditions().add(column + " = :scope", "scope", scope.teamId());
    }

    /** The first {@code limit} rows and the key of the last one when more follow. */
    private static <R, K, P> P page(List<R> rows, int limit, Function<R, K> key,
            BiFunction<List<R>, K, P> make) {
        if (rows.size() <= limit) {
            return make.apply(rows, null);
        }
        List<R> shown = rows.subList(0, limit);
        return make.apply(List.copyOf(shown), key.apply(shown.get(limit - 1)));
    }

    private static Command command(ResultSet rs) throws SQLException {
        return new Command(rs.getObject("id", UUID.class), rs.getObject("host_id", UUID.class),
                rs.getString("workload"), rs.getString("kind"), rs.getString("state"),
                rs.getString("actor"), rs.getString("reason"), read(rs, "created_at"),
                read(rs, "delivered_at"), read(rs, "finished_at"),
                rs.getString("error"));
    }

    private Map<String, Integer> counts(String text) {
        try {
            return json.readValue(text, COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("workload counts are not a JSON object: " + text, e);
        }
    }
}
