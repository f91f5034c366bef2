package dev.lifeline.control.store.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.ReportedStack;
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

    /** A heartbeat as the ingest stores it: the full report, a new sequence (news for the monitor), the time. */
    public void report(UUID host, Instant at, ReportedWorkload... stacks) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                UPDATE hosts SET report = cast(:report AS jsonb), report_seq = report_seq + 1, last_heartbeat_at = :at
                WHERE id = :host
                """)
                .bind("host", host).bind("report", json(stacks)).bind("at", SqlTime.at(at)).execute());
    }

    /** A heartbeat with nothing new to reconcile. */
    public void heartbeat(UUID host, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE hosts SET last_heartbeat_at = :at WHERE id = :host")
                .bind("host", host).bind("at", SqlTime.at(at)).execute());
    }

    public void lease(UUID host, String holder, Instant acquiredAt, Instant expiresAt) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO leases (host_id, holder, acquired_at, expires_at) VALUES (:host, :holder, :acquired, :expires)
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
