package dev.lifeline.control.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeline.control.agentapi.Fleet;
import dev.lifeline.control.store.Database;
import dev.lifeline.control.store.TestDatabases;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.AgentCommand;
import java.sql.Connection;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class CommandQueueTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private Database db;
    private Fleet fleet;
    private CommandQueue queue;
    private long team;
    private UUID host;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        fleet = new Fleet(db);
        queue = new CommandQueue(db.jdbi(), InstantSource.fixed(NOW));
        team = fleet.team("default");
        host = host(team, "node-1");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private UUID host(long teamId, String name) {
        UUID id = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO hosts (id, team_id, hostname, status, status_since, "
                + "registered_at) VALUES (:id, :team, :name, 'online', now(), now())")
                .bind("id", id).bind("team", teamId).bind("name", name).execute());
        return id;
    }

    @Test
    void aCommandIsQueuedWithTheWorkloadsTransientStatusAndAnAuditEventInOneTransaction() {
        fleet.workload(host, "web", WorkloadStatus.STOPPED);

        SubmittedCommand start = queue.submit(team, host, "web", CommandKind.START, "alice", "deploy 1.2");

        assertThat(start.before()).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(start.after()).isEqualTo(WorkloadStatus.STARTING);
        assertThat(fleet.workloadStatus(host, "web")).isEqualTo(WorkloadStatus.STARTING);
        assertThat(fleet.command(start.id())).containsEntry("state", "pending");
        assertThat(fleet.audit("command_start")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("actor_kind", "user").containsEntry("actor", "alice")
                .containsEntry("reason", "deploy 1.2").containsEntry("before_status", "stopped")
                .containsEntry("after_status", "starting").containsEntry("outcome", "ok"));
        assertThat(db.jdbi().withHandle(h -> h.createQuery("SELECT next_check_at FROM hosts WHERE id = :h")
                .bind("h", host).mapTo(OffsetDateTime.class).one()).toInstant())
                .as("due for the monitor now, whether or not a report changes").isEqualTo(NOW);
        assertThat(queue.deliver(host, Set.of())).containsExactly(new AgentCommand(start.id().toString(), "start",
                "web"));
        assertThat(fleet.command(start.id())).containsEntry("state", "delivered");
        assertThat(queue.deliver(host, Set.of(start.id()))).as("the agent has it").isEmpty();
    }

    @Test
    void aWorkloadWithAChangeInFlightOrAMissingOneIsAConflictAndNothingIsWritten() {
        fleet.workload(host, "web", WorkloadStatus.RUNNING);
        fleet.workload(host, "db", WorkloadStatus.MISSING);
        queue.submit(team, host, "web", CommandKind.STOP, "alice", "first");
        Map<String, Long> before = fleet.counts();

        assertThatThrownBy(() -> queue.submit(team, host, "web", CommandKind.START, "bob", "second"))
                .isInstanceOfSatisfying(CommandConflictException.class, e -> assertThat(e.current())
                        .isEqualTo(WorkloadStatus.STOPPING))
                .hasMessageContaining("in flight");
        assertThatThrownBy(() -> queue.submit(team, host, "db", CommandKind.START, "bob", "x"))
                .isInstanceOf(CommandConflictException.class).hasMessageContaining("unreachable");

        assertThat(fleet.counts()).isEqualTo(before);
        assertThat(fleet.workloadStatus(host, "web")).isEqualTo(WorkloadStatus.STOPPING);
    }

    @Test
    void anotherTeamsWorkloadIsUnknownLikeOneThatDoesNotExist() {
        long other = fleet.team("other");
        UUID theirs = host(other, "their-node");
        fleet.workload(theirs, "web", WorkloadStatus.RUNNING);
        Map<String, Long> before = fleet.counts();

        assertThatThrownBy(() -> queue.submit(team, theirs, "web", CommandKind.STOP, "alice", "x"))
                .isInstanceOf(UnknownWorkloadException.class);
        assertThatThrownBy(() -> queue.submit(team, host, "nope", CommandKind.STOP, "alice", "x"))
                .isInstanceOf(UnknownWorkloadException.class);

        assertThat(fleet.counts()).isEqualTo(before);
        assertThat(fleet.workloadStatus(theirs, "web")).isEqualTo(WorkloadStatus.RUNNING);
    }

    @Test
    void aDestroyKeepsTheStatusAndItsSuccessRemovesTheWorkloadsRow() {
        fleet.workload(host, "old", WorkloadStatus.STOPPED);
        SubmittedCommand destroy = queue.submit(team, host, "old", CommandKind.DESTROY, "alice", "retired");
        assertThat(destroy.after()).isEqualTo(WorkloadStatus.STOPPED);
        assertThat(fleet.workloadStatus(host, "old")).isEqualTo(WorkloadStatus.STOPPED);

        List<CommandRows.Finished> finished = db.jdbi().inTransaction(h -> CommandRows.finish(h, List.of(
                new CommandRows.Result(host, destroy.id(), true, null)), NOW));

        assertThat(finished).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(CommandKind.DESTROY));
        assertThat(fleet.workloadStatus(host, "old")).isNull();
    }

    @Test
    void theQueueWakesLongPollsOnEveryReplicaThroughATriggerOnTheCommandsTable() throws Exception {
        fleet.workload(host, "web", WorkloadStatus.RUNNING);
        try (Connection listening = db.dedicatedConnection()) {
            listening.createStatement().execute("LISTEN lifeline_commands");
            queue.submit(team, host, "web", CommandKind.PAUSE, "alice", "x");
            PGNotification[] received = listening.unwrap(PGConnection.class)
                    .getNotifications(10_000);
            assertThat(received).extracting(PGNotification::getParameter)
                    .containsExactly(host.toString());
        }
    }
}
