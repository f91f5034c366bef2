package dev.lifeline.control.command;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.wire.AgentCommand;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The statements on the commands table that the agent protocol runs, inside the caller's transaction: delivering
 * open commands (pending → delivered; a delivered one is delivered again until its result arrives) and storing
 * results (→ done or failed).
 */
public final class CommandRows {
    private CommandRows() {}

    /** A command on its way to its host. */
    public record Delivery(UUID host, AgentCommand command) {}

    /** A result an agent sent for one of its commands. */
    public record Result(UUID host, UUID commandId, boolean ok, String error) {}

    /** A command whose result was stored now. */
    public record Finished(UUID id, long teamId, UUID host, String workload, CommandKind kind, String actor,
            boolean ok, String error) {}

    /**
     * Every open command (pending or delivered) of the hosts but those in {@code except}, oldest first; the pending
     * ones become delivered.
     */
    public static List<Delivery> deliverOpen(Handle h, Collection<UUID> hosts, Collection<UUID> except, Instant now) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        return h.createQuery("""
                WITH open AS (
                    SELECT id, host_id, workload, kind, state, created_at FROM commands
                    WHERE host_id = ANY(CAST(:hosts AS uuid[])) AND state IN ('pending', 'delivered')
                      AND NOT (id = ANY(CAST(:except AS uuid[])))),
                marked AS (
                    UPDATE commands c SET state = 'delivered', delivered_at = :now FROM open
                    WHERE c.id = open.id AND open.state = 'pending')
                SELECT id, host_id, workload, kind FROM open ORDER BY created_at, id
                """)
                .bind("hosts", ids(hosts)).bind("except", ids(except)).bind("now", at(now))
                .map((rs, ctx) -> new Delivery(rs.getObject("host_id", UUID.class), new AgentCommand(
                        rs.getString("id"), rs.getString("kind"), rs.getString("workload"))))
                .list();
    }

    /**
     * Stores results: an open command of the same host becomes done or failed. A result for a command already
     * finished, or of another host, or unknown, changes nothing. A destroy that succeeded removes its workload's row:
     * the stack is gone. The hosts with a result are due for the monitor now.
     */
    public static List<Finished> finish(Handle h, List<Result> results, Instant now) {
        if (results.isEmpty()) {
            return List.of();
        }
        int n = results.size();
        String[] ids = new String[n];
        String[] hosts = new String[n];
        Boolean[] oks = new Boolean[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            Result r = results.get(i);
            ids[i] = r.commandId().toString();
            hosts[i] = r.host().toString();
            oks[i] = r.ok();
            errors[i] = r.ok() ? null : r.error();
        }
        List<Finished> finished = h.createQuery("""
                UPDATE commands c SET state = CASE WHEN r.ok THEN 'done' ELSE 'failed' END, finished_at = :now,
                                      error = r.error
                FROM (SELECT DISTINCT ON (id) * FROM unnest(CAST(:ids AS uuid[]), CAST(:hosts AS uuid[]), :oks, :errors)
                      AS t(id, host, ok, error)) r
                WHERE c.id = r.id AND c.host_id = r.host AND c.state IN ('pending', 'delivered')
                RETURNING c.id, c.team_id, c.host_id, c.workload, c.kind, c.actor, r.ok, r.error
                """)
                .bind("ids", ids).bind("hosts", hosts).bind("oks", oks).bind("errors", errors).bind("now", at(now))
                .map((rs, ctx) -> new Finished(rs.getObject("id", UUID.class), rs.getLong("team_id"),
                        rs.getObject("host_id", UUID.class), rs.getString("workload"),
                        CommandKind.fromWire(rs.getString("kind")), rs.getString("actor"), rs.getBoolean("ok"),
                        rs.getString("error")))
                .list();
        dueNow(h, finished.stream().map(Finished::host).distinct().toList(), now);
        List<Finished> destroyed = finished.stream().filter(f -> f.ok() && f.kind() == CommandKind.DESTROY).toList();
        if (!destroyed.isEmpty()) {
            h.createUpdate("""
                    DELETE FROM workloads w USING unnest(CAST(:hosts AS uuid[]), :names) AS g(host, name)
                    WHERE w.host_id = g.host AND w.name = g.name
                    """)
                    .bind("hosts", ids(destroyed.stream().map(Finished::host).toList()))
                    .bind("names", destroyed.stream().map(Finished::workload).toArray(String[]::new))
                    .execute();
        }
        return finished;
    }

    /**
     * The monitor looks at these hosts at its next pass ({@code next_check_at} now, unless it is due sooner): a
     * command changed what their workloads should be doing, whether or not a report changes.
     */
    public static void dueNow(Handle h, Collection<UUID> hosts, Instant now) {
        if (hosts.isEmpty()) {
            return;
        }
        h.createUpdate("""
                UPDATE hosts SET next_check_at = :now
                WHERE id = ANY(CAST(:hosts AS uuid[])) AND (next_check_at IS NULL OR next_check_at > :now)
                """).bind("hosts", ids(hosts)).bind("now", at(now)).execute();
    }

    static String[] ids(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).toArray(String[]::new);
    }

    static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
