package dev.lifeline.control.store.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.command.CommandRows;
import dev.lifeline.control.monitor.HostBack;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.DatabaseUrl;
import dev.lifeline.control.store.SqlTime;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.ReportedStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Rows of a fleet for the monitor's tests, written straight into a test database as the other paths would. */
public final class TestFleet {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final AtomicInteger hostNumber = new AtomicInteger();

    public TestFleet(Database db) {
        this.db = db;
    }

    /** One event of the audit log. */
    public record AuditEvent(Long teamId, UUID hostId, String workload, String actorKind, String actor, String action,
            String reason, String outcome, String before, String after) {}

    /** One row of the command queue. */
    public record CommandRow(UUID hostId, Long teamId, String workload, String kind, String state, String actor) {}

    /**
     * Closes a test database and drops it: the test server deletes its data dir file by file when the JVM exits,
     * which with every database of a run kept takes longer than surefire lets a JVM take to exit.
     */
    public static void closeAndDrop(Database db) {
        String name = db.jdbi().withHandle(h -> h.createQuery("SELECT current_database()").mapTo(String.class).one());
        db.close();
        DatabaseUrl server = TestDatabases.urlOf("postgres");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    public long team(String name) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "INSERT INTO teams (name, created_at) VALUES (:name, now()) RETURNING id")
                .bind("name", name).mapTo(Long.class).one());
    }

    /** A host of the team, heard from at {@code lastHeartbeatAt} (registered then too). */
    public UUID host(long team, HostStatus status, Instant lastHeartbeatAt) {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO hosts (id, team_id, hostname, status, status_since, registered_at, last_heartbeat_at)
                VALUES (:id, :team, :name, :status, :at, :at, :at)
                """)
                .bind("id", id).bind("team", team).bind("name", "host-" + hostNumber.incrementAndGet())
                .bind("status", status.wireName()).bind("at", SqlTime.at(lastHeartbeatAt)).execute());
        return id;
    }

    public long workload(UUID host, String name, WorkloadStatus status, Instant since) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated)
                SELECT id, team_id, :name, :status, :since, :since FROM hosts WHERE id = :host
                RETURNING id
                """)
                .bind("host", host).bind("name", name).bind("status", status.wireName())
                .bind("since", SqlTime.at(since)).mapTo(Long.class).one());
    }

    public void setDetail(long workload, String detail) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE workloads SET detail = :detail WHERE id = :id")
                .bind("id", workload).bind("detail", detail).execute());
    }

    /** A heartbeat as the ingest stores it: the full report, a new sequence (news for the monitor), the time. */
    public void report(UUID host, Instant at, ReportedWorkload... stacks) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE hosts SET report = cast(:report AS jsonb), report_seq = report_seq + 1, last_heartbeat_at = :at,
                    report_changes = report_changes_after(report_changes, report, cast(:report AS jsonb))
                WHERE id = :host
                """)
                .bind("host", host).bind("report", json(stacks)).bind("at", SqlTime.at(at)).execute());
    }

    /**
     * An unreachable host heartbeats again, as the ingest handles it: online, its report stored as news, and the
     * monitors told ({@link HostBack}) in the same transaction.
     */
    public void comesBack(UUID host, Instant at, ReportedWorkload... stacks) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                    UPDATE hosts SET status = 'online', status_since = :at, report = cast(:report AS jsonb),
                        report_seq = report_seq + 1, last_heartbeat_at = :at, report_changes = NULL
                    WHERE id = :host
                    """)
                    .bind("host", host).bind("report", json(stacks)).bind("at", SqlTime.at(at)).execute();
            HostBack.announce(h, host, at);
        });
    }

    /** An unreachable host heartbeats again with the report it sent before it went silent (no news). */
    public void comesBackUnchanged(UUID host, Instant at) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                    UPDATE hosts SET status = 'online', status_since = :at, last_heartbeat_at = :at,
                        report_changes = NULL
                    WHERE id = :host
                    """).bind("host", host).bind("at", SqlTime.at(at)).execute();
            HostBack.announce(h, host, at);
        });
    }

    /**
     * A user's command as the API writes it: the workload's transient status, compare-and-set on its status, and its
     * host due for the monitor ({@link CommandRows#dueNow}, as the command queue does).
     */
    public boolean userChanges(long workload, WorkloadStatus from, WorkloadStatus to, Instant at) {
        return db.jdbi().inTransaction(h -> {
            List<UUID> host = h.createQuery("""
                    UPDATE workloads SET status = :to, status_since = :at, last_updated = :at
                    WHERE id = :id AND status = :from
                    RETURNING host_id
                    """)
                    .bind("id", workload).bind("from", from.wireName()).bind("to", to.wireName())
                    .bind("at", SqlTime.at(at)).mapTo(UUID.class).list();
            CommandRows.dueNow(h, host, at);
            return host.size() == 1;
        });
    }

    /** Sets the host's change list (the stacks whose report changed since it was last reconciled). */
    public void setReportChanges(UUID host, List<String> names) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE hosts SET report_changes = :names WHERE id = :host")
                .bind("host", host).bind("names", names.toArray(String[]::new)).execute());
    }

    /** The host's change list; null when unknown. */
    public List<String> reportChanges(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT report_changes FROM hosts WHERE id = :id")
                .bind("id", host).map((rs, ctx) -> {
                    java.sql.Array names = rs.getArray(1);
                    return names == null ? null : List.of((String[]) names.getArray());
                }).one());
    }

    public long reconciledSeq(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT reconciled_seq FROM hosts WHERE id = :id")
                .bind("id", host).mapTo(Long.class).one());
    }

    public Instant nextCheckAt(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT next_check_at FROM hosts WHERE id = :id")
                .bind("id", host).map((rs, ctx) -> SqlTime.read(rs, "next_check_at")).one());
    }

    /** A heartbeat with nothing new to reconcile. */
    public void heartbeat(UUID host, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE hosts SET last_heartbeat_at = :at WHERE id = :host")
                .bind("host", host).bind("at", SqlTime.at(at)).execute());
    }

    /**
     * Many hosts at once, as a fleet that has been watched for a while: online, heard from at {@code at}, each with
     * {@code workloads} running workloads {@code w0, w1, ...} and a report listing them all that was already
     * reconciled (no news). Returns the hosts' ids in id order.
     */
    public List<UUID> seed(long team, int hosts, int workloads, Instant at) {
        return db.jdbi().inTransaction(h -> {
            List<UUID> ids = h.createQuery("""
                    INSERT INTO hosts (id, team_id, hostname, status, status_since, registered_at, last_heartbeat_at,
                                       report, report_seq, reconciled_seq, report_changes)
                    SELECT gen_random_uuid(), :team, 'seeded-' || n, 'online', :at, :at, :at,
                           (SELECT jsonb_agg(jsonb_build_object('name', 'w' || w, 'status', 'running',
                                                                'detail', 'up'))
                            FROM generate_series(0, :workloads - 1) w),
                           1, 1, '{}'
                    FROM generate_series(1, :hosts) n
                    RETURNING id
                    """)
                    .bind("team", team).bind("at", SqlTime.at(at)).bind("hosts", hosts)
                    .bind("workloads", workloads).mapTo(UUID.class).list();
            h.createUpdate("""
                    INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated, detail)
                    SELECT h, :team, 'w' || w, 'running', :at, :at, 'up'
                    FROM unnest(:ids::uuid[]) h, generate_series(0, :workloads - 1) w
                    """)
                    .bind("team", team).bind("at", SqlTime.at(at)).bind("workloads", workloads)
                    .bindArray("ids", UUID.class, ids).execute();
            return ids.stream().sorted().toList();
        });
    }

    /**
     * News from these hosts, two changes each: {@code w0} is gone from the report (its record becomes stopped,
     * orphaned) and {@code w1} is reported paused; heard from at {@code at}. In one statement.
     */
    public void twoChangesOn(List<UUID> hosts, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE hosts SET report = n.report, report_seq = report_seq + 1, last_heartbeat_at = :at,
                    report_changes = report_changes_after(report_changes, hosts.report, n.report)
                FROM (SELECT h.id, (SELECT jsonb_agg(CASE WHEN e->>'name' = 'w1'
                                                          THEN jsonb_set(e, '{status}', '"paused"') ELSE e END)
                                    FROM jsonb_array_elements(h.report) e WHERE e->>'name' <> 'w0') AS report
                      FROM hosts h WHERE h.id = ANY(:ids)) n
                WHERE hosts.id = n.id
                """)
                .bindArray("ids", UUID.class, hosts).bind("at", SqlTime.at(at)).execute());
    }

    /** Every reachable host of the fleet but {@code silent} heard from at {@code at}, nothing new. */
    public void everyoneHeartbeats(Instant at, UUID... silent) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE hosts SET last_heartbeat_at = :at WHERE status <> 'unreachable' AND id <> ALL(:silent)
                """)
                .bind("at", SqlTime.at(at)).bindArray("silent", UUID.class, List.of(silent)).execute());
    }

    public long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    public void lease(UUID host, String holder, Instant acquiredAt, Instant expiresAt) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO leases (host_id, holder, acquired_at, expires_at)
                VALUES (:host, :holder, :acquired, :expires)
                ON CONFLICT (host_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                    expires_at = excluded.expires_at
                """)
                .bind("host", host).bind("holder", holder).bind("acquired", SqlTime.at(acquiredAt))
                .bind("expires", SqlTime.at(expiresAt)).execute());
    }

    public WorkloadStatus status(long workload) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM workloads WHERE id = :id")
                .bind("id", workload).map((rs, ctx) -> WorkloadStatus.fromWire(rs.getString(1))).one());
    }

    public WorkloadStatus status(UUID host, String workload) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT status FROM workloads WHERE host_id = :host AND name = :name")
                .bind("host", host).bind("name", workload)
                .map((rs, ctx) -> WorkloadStatus.fromWire(rs.getString(1))).one());
    }

    public HostStatus hostStatus(UUID host) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM hosts WHERE id = :id")
                .bind("id", host).map((rs, ctx) -> HostStatus.fromWire(rs.getString(1))).one());
    }

    public String detail(long workload) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT detail FROM workloads WHERE id = :id")
                .bind("id", workload).mapTo(String.class).one());
    }

    public List<AuditEvent> audit() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                SELECT team_id, host_id, workload, actor_kind, actor, action, reason, outcome, before_status,
                       after_status
                FROM audit_events ORDER BY id
                """)
                .map((rs, ctx) -> new AuditEvent(rs.getObject("team_id", Long.class),
                        rs.getObject("host_id", UUID.class), rs.getString("workload"), rs.getString("actor_kind"),
                        rs.getString("actor"), rs.getString("action"), rs.getString("reason"),
                        rs.getString("outcome"), rs.getString("before_status"), rs.getString("after_status")))
                .list());
    }

    public List<CommandRow> commands() {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT host_id, team_id, workload, kind, state, actor FROM commands ORDER BY created_at, id")
                .map((rs, ctx) -> new CommandRow(rs.getObject("host_id", UUID.class),
                        rs.getObject("team_id", Long.class), rs.getString("workload"), rs.getString("kind"),
                        rs.getString("state"), rs.getString("actor")))
                .list());
    }

    public static String json(ReportedWorkload... stacks) {
        List<ReportedStack> wire = new ArrayList<>();
        for (ReportedWorkload s : stacks) {
            wire.add(new ReportedStack(s.name(), s.status().wireName(), s.detail()));
        }
        try {
            return JSON.writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
