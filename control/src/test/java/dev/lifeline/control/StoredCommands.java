package dev.lifeline.control;

import static dev.lifeline.control.store.SqlTime.at;

import dev.lifeline.control.api.CommandSubmission;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * A stand-in for the agents' command queue (built on another branch), for the API's tests only: the command row, the
 * workload's transient status by compare-and-set, and the audit event, in one transaction, as the design says.
 */
public final class StoredCommands implements CommandSubmission {
    private final Jdbi jdbi;
    private final InstantSource clock;

    public StoredCommands(Jdbi jdbi, InstantSource clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public Outcome submit(Order order) {
        return jdbi.inTransaction(h -> {
            record Row(long id, long team, String status) {}
            Optional<Row> row = h.createQuery("SELECT id, team_id, status FROM workloads WHERE host_id = :host "
                    + "AND name = :name FOR UPDATE").bind("host", order.host()).bind("name", order.workload())
                    .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getLong("team_id"), rs.getString("status")))
                    .findOne();
            if (row.isEmpty()) {
                return new Outcome.Gone("workload " + order.workload() + " is gone");
            }
            WorkloadStatus current = WorkloadStatus.fromWire(row.get().status());
            if (current.isTransient()) {
                return new Outcome.Conflict("workload " + order.workload() + " is " + current.wireName()
                        + ": wait until it settles");
            }
            UUID id = UUID.randomUUID();
            var now = at(clock.instant());
            h.createUpdate("INSERT INTO commands (id, team_id, host_id, workload, kind, state, actor, reason, "
                    + "created_at) VALUES (:id, :team, :host, :workload, :kind, 'pending', :actor, :reason, :now)")
                    .bind("id", id).bind("team", row.get().team()).bind("host", order.host())
                    .bind("workload", order.workload()).bind("kind", order.kind().wireName())
                    .bind("actor", order.actor()).bind("reason", order.reason()).bind("now", now).execute();
            order.kind().transientStatus().ifPresent(next -> h.createUpdate("UPDATE workloads SET status = :next, "
                    + "status_since = :now WHERE id = :id AND status = :expected").bind("next", next.wireName())
                    .bind("now", now).bind("id", row.get().id()).bind("expected", current.wireName()).execute());
            h.createUpdate("INSERT INTO audit_events (at, team_id, host_id, workload, actor_kind, actor, action, "
                    + "reason, outcome, before_status, after_status) VALUES (:now, :team, :host, :workload, 'user', "
                    + ":actor, 'command_submitted', :reason, 'ok', :before, :after)").bind("now", now)
                    .bind("team", row.get().team()).bind("host", order.host()).bind("workload", order.workload())
                    .bind("actor", order.actor()).bind("reason", order.reason().isEmpty() ? order.kind().wireName()
                            : order.kind().wireName() + ": " + order.reason())
                    .bind("before", current.wireName())
                    .bind("after", order.kind().transientStatus().orElse(current).wireName()).execute();
            return new Outcome.Accepted(id);
        });
    }
}
