package dev.lifeline.control.command;

import dev.lifeline.control.audit.AuditEvent;
import dev.lifeline.control.audit.AuditWriter;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.AgentCommand;
import dev.lifeline.core.log.KeyValues;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' commands for their workloads. {@link #submit} is one transaction: the command row (pending), the workload's
 * transient status written by compare-and-set from the settled status it had, and the audit event; its commit
 * notifies the replicas (a trigger on the commands table), and the long-poll of the host's agent answers at once.
 * The host is due for the monitor now, so that the transient status is watched even if no report changes.
 */
public final class CommandQueue {
    private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);

    private final Jdbi jdbi;
    private final InstantSource clock;

    public CommandQueue(Jdbi jdbi, InstantSource clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private record Target(long id, WorkloadStatus status) {}

    /**
     * Queues {@code kind} for {@code workload} on {@code host}.
     *
     * @param team the caller's team: a host or workload of another team is unknown to it
     * @throws UnknownWorkloadException no such workload on that host in that team
     * @throws CommandConflictException the workload is changing already, or missing (its host unreachable)
     */
    public SubmittedCommand submit(long team, UUID host, String workload, CommandKind kind, String actor,
            String reason) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("a command needs the name of who asked for it");
        }
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        Instant now = clock.instant();
        SubmittedCommand submitted = jdbi.inTransaction(h -> {
            Target target = h.createQuery("""
                    SELECT id, status FROM workloads
                    WHERE host_id = :host AND name = :name AND team_id = :team
                    FOR UPDATE
                    """)
                    .bind("host", host).bind("name", workload).bind("team", team)
                    .map((rs, ctx) -> new Target(rs.getLong("id"), WorkloadStatus.fromWire(rs.getString("status"))))
                    .findOne().orElseThrow(() -> new UnknownWorkloadException(host, workload));
            if (target.status().isTransient() || target.status() == WorkloadStatus.MISSING) {
                throw new CommandConflictException(workload, target.status());
            }
            Optional<WorkloadStatus> next = kind.transientStatus();
            if (next.isPresent()) {
                h.createUpdate("""
                        UPDATE workloads SET status = :next, status_since = :now, last_updated = :now
                        WHERE id = :id AND status = :expected
                        """)
                        .bind("next", next.get().wireName()).bind("now", CommandRows.at(now))
                        .bind("id", target.id()).bind("expected", target.status().wireName())
                        .execute();
            }
            UUID id = UUID.randomUUID();
            h.createUpdate("""
                    INSERT INTO commands (id, team_id, host_id, workload, kind, state, actor, reason, created_at)
                    VALUES (:id, :team, :host, :workload, :kind, 'pending', :actor, :reason, :now)
                    """)
                    .bind("id", id).bind("team", team).bind("host", host).bind("workload", workload)
                    .bind("kind", kind.wireName()).bind("actor", actor).bind("reason", why)
                    .bind("now", CommandRows.at(now))
                    .execute();
            CommandRows.dueNow(h, List.of(host), now);
            WorkloadStatus after = next.orElse(target.status());
            AuditWriter.append(h, List.of(new AuditEvent(now, team, host, workload, AuditEvent.Actor.user(actor),
                    "command_" + kind.wireName(), why, true, null, target.status().wireName(), after.wireName())));
            return new SubmittedCommand(id, host, workload, kind, target.status(), after);
        });
        LOG.info(KeyValues.line("event", "command_queued", "command", submitted.id(), "host", host, "workload",
                workload, "kind", kind.wireName(), "actor", actor, "before", submitted.before().wireName()));
        return submitted;
    }

    /**
     * The host's open commands its agent does not have ({@code known}: being applied, or finished with the result
     * not yet stored), oldest first, the pending ones now delivered: what a long-poll answers. An answer lost on the
     * way (the agent restarted, a proxy dropped the connection) is answered again at the agent's next long-poll.
     */
    public List<AgentCommand> deliver(UUID host, Collection<UUID> known) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> CommandRows.deliverOpen(h, List.of(host), known, now)).stream()
                .map(CommandRows.Delivery::command).toList();
    }
}
