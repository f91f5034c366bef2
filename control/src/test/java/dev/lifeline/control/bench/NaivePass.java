package dev.lifeline.control.bench;

import dev.lifeline.control.store.SqlTime;
import dev.lifeline.core.fleet.HostPlan;
import dev.lifeline.core.fleet.HostReconciler;
import dev.lifeline.core.fleet.HostReport;
import dev.lifeline.core.fleet.HostStatus;
import dev.lifeline.core.fleet.HostView;
import dev.lifeline.core.fleet.MonitorAction;
import dev.lifeline.core.fleet.MonitorAction.DestroyZombie;
import dev.lifeline.core.fleet.MonitorAction.NoteDetail;
import dev.lifeline.core.fleet.MonitorAction.RecordWorkload;
import dev.lifeline.core.fleet.MonitorAction.SettleWorkload;
import dev.lifeline.core.fleet.MonitorRules;
import dev.lifeline.core.fleet.WorkloadRecord;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The baseline: the same rules ({@link HostReconciler}) applied the way the seed system did, row by row. One query
 * lists the hosts with news (more than the seed did: it read every host), then per host: select its workloads, plan,
 * per action one compare-and-set update and, when it took effect and is audited, one audit insert, and one update of
 * the host's reconciled sequence. Prepared statements reused, one transaction for the whole pass (a commit per host
 * would only add fsyncs). No leases and no silence census: less work than the real pass.
 */
final class NaivePass {
    private final DataSource data;
    private final MonitorRules rules;
    private final String actor;
    private long roundTrips;

    NaivePass(DataSource data, MonitorRules rules, String actor) {
        this.data = data;
        this.rules = rules;
        this.actor = actor;
    }

    private record News(HostView view, HostReport report) {}

    /** Returns the round trips it took. */
    long run(Instant now) throws SQLException {
        roundTrips = 0;
        try (Connection c = data.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement news = c.prepareStatement("""
                    SELECT id, status, status_since, last_heartbeat_at, registered_at, report_seq,
                           report::text AS report
                    FROM hosts WHERE report_seq > reconciled_seq AND status <> 'unreachable'
                    """);
                    PreparedStatement workloads = c.prepareStatement(
                            "SELECT id, name, status, status_since, detail FROM workloads WHERE host_id = ?");
                    PreparedStatement settle = c.prepareStatement("""
                            UPDATE workloads SET status = ?, status_since = ?, last_updated = ?
                            WHERE id = ? AND status = ? RETURNING team_id
                            """);
                    PreparedStatement detail = c.prepareStatement(
                            "UPDATE workloads SET detail = ?, last_updated = ? WHERE id = ?");
                    PreparedStatement record = c.prepareStatement("""
                            INSERT INTO workloads (host_id, team_id, name, status, status_since, last_updated, detail)
                            SELECT id, team_id, ?, ?, ?, ?, ? FROM hosts WHERE id = ?
                            ON CONFLICT (host_id, name) DO NOTHING RETURNING team_id
                            """);
                    PreparedStatement zombie = c.prepareStatement("""
                            INSERT INTO commands (id, team_id, host_id, workload, kind, state, actor, reason,
                                                  created_at)
                            SELECT ?, team_id, host_id, name, 'destroy', 'pending', 'system', ?, ? FROM workloads
                            WHERE id = ? AND status = 'stopped' RETURNING team_id
                            """);
                    PreparedStatement audit = c.prepareStatement("""
                            INSERT INTO audit_events (at, team_id, host_id, workload, actor_kind, actor, action, reason,
                                                      outcome, before_status, after_status)
                            VALUES (?, ?, ?, ?, 'system', ?, ?, ?, 'ok', ?, ?)
                            """);
                    PreparedStatement reconciled = c.prepareStatement(
                            "UPDATE hosts SET reconciled_seq = ?, next_check_at = ? WHERE id = ?")) {
                List<News> hosts = new ArrayList<>();
                try (ResultSet rs = execute(news)) {
                    while (rs.next()) {
                        Instant heard = SqlTime.read(rs, "last_heartbeat_at");
                        Instant registered = SqlTime.read(rs, "registered_at");
                        UUID id = rs.getObject("id", UUID.class);
                        hosts.add(new News(new HostView(id, HostStatus.fromWire(rs.getString("status")),
                                SqlTime.read(rs, "status_since"), heard, registered, registered),
                                new HostReport(rs.getLong("report_seq"), heard,
                                        ReportJson.parse(rs.getString("report")))));
                    }
                }
                for (News host : hosts) {
                    UUID id = host.view().id();
                    workloads.setObject(1, id);
                    List<WorkloadRecord> rows = new ArrayList<>();
                    try (ResultSet rs = execute(workloads)) {
                        while (rs.next()) {
                            rows.add(new WorkloadRecord(rs.getLong("id"), rs.getString("name"),
                                    WorkloadStatus.fromWire(rs.getString("status")), SqlTime.read(rs, "status_since"),
                                    rs.getString("detail")));
                        }
                    }
                    HostPlan plan = HostReconciler.plan(host.view(), rows, host.report(), now, rules);
                    for (MonitorAction action : plan.actions()) {
                        apply(action, now, settle, detail, record, zombie, audit);
                    }
                    reconciled.setLong(1, host.report().sequence());
                    reconciled.setObject(2, SqlTime.at(plan.nextCheck().orElse(null)));
                    reconciled.setObject(3, id);
                    reconciled.executeUpdate();
                    roundTrips++;
                }
            }
            c.commit();
            roundTrips++;
        }
        return roundTrips;
    }

    private void apply(MonitorAction action, Instant now, PreparedStatement settle, PreparedStatement detail,
            PreparedStatement record, PreparedStatement zombie, PreparedStatement audit) throws SQLException {
        switch (action) {
            case SettleWorkload s -> {
                settle.setString(1, s.next().wireName());
                settle.setObject(2, SqlTime.at(now));
                settle.setObject(3, SqlTime.at(now));
                settle.setLong(4, s.workloadId());
                settle.setString(5, s.expected().wireName());
                Long team = team(settle);
                if (team != null && s.audited()) {
                    audit(audit, now, team, s.host(), s.workload(), "workload_settled", s.reason(),
                            s.expected().wireName(), s.next().wireName());
                }
            }
            case NoteDetail n -> {
                detail.setString(1, n.detail());
                detail.setObject(2, SqlTime.at(now));
                detail.setLong(3, n.workloadId());
                detail.executeUpdate();
                roundTrips++;
            }
            case RecordWorkload r -> {
                record.setString(1, r.workload());
                record.setString(2, r.status().wireName());
                record.setObject(3, SqlTime.at(now));
                record.setObject(4, SqlTime.at(now));
                record.setString(5, r.detail());
                record.setObject(6, r.host());
                Long team = team(record);
                if (team != null) {
                    audit(audit, now, team, r.host(), r.workload(), "workload_discovered", r.reason(), null,
                            r.status().wireName());
                }
            }
            case DestroyZombie d -> {
                zombie.setObject(1, UUID.randomUUID());
                zombie.setString(2, d.reason());
                zombie.setObject(3, SqlTime.at(now));
                zombie.setLong(4, d.workloadId());
                Long team = team(zombie);
                if (team != null) {
                    audit(audit, now, team, d.host(), d.workload(), "zombie_destroy_requested", d.reason(),
                            "stopped", "stopped");
                }
            }
            default -> throw new IllegalStateException("the baseline reconciles reports only: " + action);
        }
    }

    private Long team(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = execute(statement)) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private void audit(PreparedStatement audit, Instant now, long team, UUID host, String workload, String action,
            String reason, String before, String after) throws SQLException {
        audit.setObject(1, SqlTime.at(now));
        audit.setLong(2, team);
        audit.setObject(3, host);
        audit.setString(4, workload);
        audit.setString(5, actor);
        audit.setString(6, action);
        audit.setString(7, reason);
        audit.setString(8, before);
        audit.setString(9, after);
        audit.executeUpdate();
        roundTrips++;
    }

    private ResultSet execute(PreparedStatement statement) throws SQLException {
        roundTrips++;
        return statement.executeQuery();
    }
}
