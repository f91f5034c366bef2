package dev.lifeline.control.agentapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeline.agent.Agent;
import dev.lifeline.agent.backup.JobView;
import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.config.ConfigLoader;
import dev.lifeline.control.command.SubmittedCommand;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.model.StackName;
import dev.lifeline.testkit.podman.PodmanService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent (its composition root, journal, engine adapter, stop/start, backup service) in this JVM, joined to
 * the control plane's routes on a real PostgreSQL, applying every command kind to real stacks on a private Podman.
 * The host monitor is not part of this test: where it would settle a workload's transient status from the reports,
 * the test writes the settled status itself.
 */
class AgentOnPodmanTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static PodmanService podman;

    @TempDir
    Path dir;

    private ControlPlaneServer server;
    private Fleet fleet;
    private long team;
    private Path joinToken;
    private final List<RunningAgent> agents = new ArrayList<>();

    @BeforeAll
    static void startPodman() {
        podman = PodmanService.start();
    }

    @AfterAll
    static void stopPodman() {
        podman.close();
    }

    @BeforeEach
    void startControlPlane() throws Exception {
        server = ControlPlaneServer.start(Duration.ofHours(1));
        fleet = server.fleet();
        team = fleet.team("default");
        joinToken = Files.writeString(dir.resolve("join.token"), fleet.joinToken(team));
    }

    @AfterEach
    void stopAll() {
        agents.forEach(RunningAgent::stop);
        server.close();
    }

    /** The agent on its own thread, as {@code lifeline agent} runs it. */
    private record RunningAgent(Agent agent, Thread thread) {
        void stop() {
            agent.shutdown();
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            agent.close();
        }
    }

    private RunningAgent startAgent() {
        AgentConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "data-dir", dir.resolve("data").toString(),
                "engine", podman.socketUri().toString(),
                "api.listen", "127.0.0.1:0",
                "recovery.settle-time", "300ms",
                "supervision.resync-interval", "1s",
                "control-plane.url", server.url().toString(),
                "control-plane.join-token-file", joinToken.toString()), dir.resolve("data"));
        Agent agent = new Agent(config, Map.of());
        Thread thread = Thread.ofPlatform().name("agent").start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RunningAgent running = new RunningAgent(agent, thread);
        agents.add(running);
        await().atMost(WAIT).until(() -> agent.readiness().ready()
                && agent.controlPlaneHealth().flatMap(h -> h.hostId()).isPresent());
        return running;
    }

    private UUID hostOf(RunningAgent a) {
        return UUID.fromString(a.agent().controlPlaneHealth().orElseThrow().hostId().orElseThrow());
    }

    /** Runs the command through the users' entry point and waits for its result; the state it ended in. */
    private String run(UUID host, String workload, CommandKind kind) {
        SubmittedCommand c = server.api().commands().submit(team, host, workload, kind, "alice", "test");
        await().atMost(WAIT).until(() -> List.of("done", "failed").contains(fleet.command(c.id()).get("state")));
        commands.add(c.id());
        return (String) fleet.command(c.id()).get("state");
    }

    private final List<UUID> commands = new ArrayList<>();

    /** What the host monitor would write once the report shows the change settled. */
    private void settle(UUID host, String workload, WorkloadStatus status) {
        server.db().jdbi().useHandle(h -> h.createUpdate("UPDATE workloads SET status = :s WHERE host_id = :h AND "
                + "name = :n").bind("s", status.wireName()).bind("h", host).bind("n", workload).execute());
    }

    private String state(String container) {
        return podman.podman("inspect", "--format", "{{.State.Status}}", container).strip();
    }

    private List<String> journalledCommands() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/journal.db")
                + "?open_mode=1"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM control_commands ORDER BY seq")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Test
    void everyCommandKindIsAppliedToItsStackAndEachIdIsJournalledBeforeItsResultComesBack() throws Exception {
        Path data = Files.createDirectories(dir.resolve("app-data"));
        Files.writeString(data.resolve("table"), "row 1\n");
        podman.runContainer("k-web", Map.of("lifeline.stack", "k-web"));
        podman.runContainer("k-app", Map.of("lifeline.stack", "k-app"), List.of("-v", data + ":/data"));
        podman.runContainer("k-old", Map.of("lifeline.stack", "k-old"), List.of("-v", data + ":/data"));
        RunningAgent agent = startAgent();
        UUID host = hostOf(agent);
        await().atMost(WAIT).until(() -> String.valueOf(fleet.host(host).get("report")).contains("k-old"));
        for (String w : List.of("k-web", "k-app", "k-old", "k-gone")) {
            fleet.workload(host, w, WorkloadStatus.RUNNING);
        }

        assertThat(run(host, "k-web", CommandKind.PAUSE)).isEqualTo("done");
        assertThat(state("k-web")).isEqualTo("paused");
        settle(host, "k-web", WorkloadStatus.PAUSED);

        assertThat(run(host, "k-web", CommandKind.RESUME)).isEqualTo("done");
        assertThat(state("k-web")).isEqualTo("running");
        settle(host, "k-web", WorkloadStatus.RUNNING);

        assertThat(run(host, "k-web", CommandKind.STOP)).isEqualTo("done");
        assertThat(state("k-web")).isEqualTo("exited");
        assertThat(agent.agent().stacks()).filteredOn(s -> s.name().equals("k-web")).singleElement()
                .satisfies(s -> assertThat(s.intent()).isEqualTo("user-stopped"));
        settle(host, "k-web", WorkloadStatus.STOPPED);

        assertThat(run(host, "k-web", CommandKind.START)).isEqualTo("done");
        assertThat(state("k-web")).isEqualTo("running");

        assertThat(run(host, "k-app", CommandKind.BACKUP)).isEqualTo("done");
        assertThat(agent.agent().backupJobs(Optional.of(StackName.of("k-app")), 1)).singleElement()
                .satisfies(job -> assertThat(job.phase()).isEqualTo("done"))
                .extracting(JobView::uploads).asInstanceOf(InstanceOfAssertFactories.LIST)
                .isNotEmpty();
        assertThat(state("k-app")).isEqualTo("running");

        assertThat(run(host, "k-old", CommandKind.DESTROY)).isEqualTo("done");
        assertThat(podman.podmanResult("container", "exists", "k-old").ok()).isFalse();
        assertThat(Files.readString(data.resolve("table"))).as("data is never destroyed").isEqualTo("row 1\n");
        assertThat(fleet.workloadStatus(host, "k-old")).as("its row goes with it").isNull();

        // a stack already gone counts as destroyed
        assertThat(run(host, "k-gone", CommandKind.DESTROY)).isEqualTo("done");

        assertThat(journalledCommands()).containsExactlyElementsOf(commands.stream().map(UUID::toString).toList());
        assertThat(agent.agent().metrics()).contains("\nlifeline_control_plane_failures 0\n")
                .containsPattern("\nlifeline_control_plane_heartbeat_age_seconds [0-9.]+\n");
        assertThat(fleet.audit("command_result")).hasSize(commands.size())
                .allSatisfy(e -> assertThat(e).containsEntry("outcome", "ok"));
    }

    @Test
    void aCommandThatCannotBeAppliedFailsWithItsReason() {
        podman.runContainer("f-web", Map.of("lifeline.stack", "f-web"));
        RunningAgent agent = startAgent();
        UUID host = hostOf(agent);
        fleet.workload(host, "f-missing", WorkloadStatus.STOPPED);

        assertThat(run(host, "f-missing", CommandKind.START)).isEqualTo("failed");
        assertThat(fleet.audit("command_result")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("outcome", "error")
                .hasEntrySatisfying("error", error -> assertThat((String) error).contains("unknown stack 'f-missing'")));
    }

    @Test
    void aRepeatedCommandIsAppliedOnceAlsoAcrossAnAgentRestart() {
        podman.runContainer("r-web", Map.of("lifeline.stack", "r-web"));
        RunningAgent first = startAgent();
        UUID host = hostOf(first);
        fleet.workload(host, "r-web", WorkloadStatus.RUNNING);
        assertThat(run(host, "r-web", CommandKind.STOP)).isEqualTo("done");
        assertThat(state("r-web")).isEqualTo("exited");
        UUID stop = commands.getLast();
        // the user starts it again by hand; a second application of the old stop would stop it
        podman.podman("start", "r-web");

        redeliverAndAwaitTheAnswer(stop);
        assertThat(state("r-web")).isEqualTo("running");

        first.stop();
        agents.remove(first);
        RunningAgent second = startAgent();
        assertThat(hostOf(second)).isEqualTo(host);
        redeliverAndAwaitTheAnswer(stop);
        assertThat(state("r-web")).isEqualTo("running");
        assertThat(fleet.audit("command_result")).hasSize(3).allSatisfy(e -> assertThat(e)
                .containsEntry("outcome", "ok"));
    }

    /** As if the control plane had not stored the result: the command is delivered again, and answered. */
    private void redeliverAndAwaitTheAnswer(UUID command) {
        server.db().jdbi().useHandle(h -> h.createUpdate("UPDATE commands SET state = 'pending', finished_at = NULL "
                + "WHERE id = :id").bind("id", command).execute());
        // wake the long-poll as a new command would
        server.db().jdbi().useHandle(h -> h.createQuery("SELECT pg_notify('lifeline_commands', host_id::text) FROM "
                + "commands WHERE id = :id").bind("id", command).mapTo(String.class).list());
        await().atMost(WAIT).until(() -> "done".equals(fleet.command(command).get("state")));
    }
}
