package dev.lifeline.control.agentapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lifeline.agent.config.AgentConfig;
import dev.lifeline.agent.control.CommandApplier;
import dev.lifeline.agent.control.ControlPlaneLink;
import dev.lifeline.agent.control.HostCredentials;
import dev.lifeline.agent.control.HttpControlPlaneClient;
import dev.lifeline.agent.journal.SqliteJournal;
import dev.lifeline.control.command.SubmittedCommand;
import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.model.StackName;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's link (join, heartbeat loop, long-poll, command application recorded in a real SQLite journal) against
 * the control plane's routes on a real PostgreSQL, over real HTTP, in one JVM. The commands' effect is a recording
 * here: applying them to real stacks is {@code AgentOnPodmanTest}'s.
 */
class AgentLinkTest {
    private static final List<ReportedStack> REPORT = List.of(new ReportedStack("web", "running", "1/1 containers up"));

    @TempDir
    Path dataDir;

    private ControlPlaneServer server;
    private final List<AutoCloseable> agents = new CopyOnWriteArrayList<>();

    /** One applied command: what and when, in heartbeats sent so far. */
    record Applied(CommandKind kind, StackName stack, long heartbeatsSentBefore) {}

    private final class Agent implements AutoCloseable {
        final SqliteJournal journal;
        final CommandApplier applier;
        final ControlPlaneLink link;
        final List<Applied> applied = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        Agent(URI controlPlane, Path joinToken) {
            journal = SqliteJournal.open(dataDir);
            ControlPlaneLink[] self = new ControlPlaneLink[1];
            applier = new CommandApplier(journal, (kind, stack) -> {
                applied.add(new Applied(kind, stack, self[0].health().heartbeatsSent()));
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            }, InstantSource.system(), () -> self[0].beatSoon());
            applier.failInterrupted();
            link = new ControlPlaneLink(new AgentConfig.ControlPlane(controlPlane, Optional.of(joinToken),
                    Duration.ofHours(1), Optional.empty(), false, Optional.empty()), dataDir.resolve("control-plane.json"),
                    new HttpControlPlaneClient(controlPlane, Optional.empty()), () -> REPORT, applier, journal,
                    InstantSource.system(), RandomGenerator.getDefault(), "node-1", "test");
            self[0] = link;
            link.start();
            applier.accept();
            agents.add(this);
        }

        UUID host() {
            await().atMost(Duration.ofSeconds(20)).until(() -> link.health().hostId().isPresent());
            return UUID.fromString(link.health().hostId().orElseThrow());
        }

        @Override
        public void close() {
            link.close();
            applier.close();
            journal.close();
            agents.remove(this);
        }
    }

    @AfterEach
    void stop() {
        for (AutoCloseable a : List.copyOf(agents)) {
            try {
                a.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private Path joinTokenFile(long team) throws Exception {
        return Files.writeString(dataDir.resolve("join.token"), server.fleet().joinToken(team) + "\n");
    }

    @Test
    void aUsersCommandArrivesByTheLongPollBeforeTheNextHeartbeatAndItsResultComesBack() throws Exception {
        server = ControlPlaneServer.start(Duration.ofHours(1));
        long team = server.fleet().team("default");
        Agent agent = new Agent(server.url(), joinTokenFile(team));
        UUID host = agent.host();
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.link.health().heartbeatsSent() >= 1);
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("control-plane.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(HostCredentials.load(dataDir.resolve("control-plane.json")).orElseThrow().hostId())
                .isEqualTo(host.toString());
        server.fleet().workload(host, "web", WorkloadStatus.RUNNING);

        SubmittedCommand stop = server.api().commands().submit(team, host, "web", CommandKind.STOP, "alice", "x");

        await().atMost(Duration.ofSeconds(20)).until(() -> !agent.applied.isEmpty());
        assertThat(agent.applied).singleElement().isEqualTo(new Applied(CommandKind.STOP, StackName.of("web"), 1));
        // the result goes with a heartbeat sent at once, not at the end of the hour
        await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(server.fleet().command(stop.id())
                .get("state")));
        assertThat(agent.journal.unacknowledged(10)).isEmpty();
    }

    @Test
    void aCommandDeliveredAgainIsAppliedOnceAlsoAfterTheAgentRestarts() throws Exception {
        server = ControlPlaneServer.start(Duration.ofHours(1));
        long team = server.fleet().team("default");
        Path joinToken = joinTokenFile(team);
        Agent first = new Agent(server.url(), joinToken);
        UUID host = first.host();
        server.fleet().workload(host, "web", WorkloadStatus.RUNNING);
        SubmittedCommand pause = server.api().commands().submit(team, host, "web", CommandKind.PAUSE, "alice", "x");
        await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(server.fleet().command(pause.id())
                .get("state")));
        first.close();

        // as if the control plane had lost the result: the same command is queued for delivery again
        redeliver(pause.id());
        Agent second = new Agent(server.url(), joinToken);
        assertThat(second.host()).as("joined once; the saved host token is used").isEqualTo(host);
        await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(server.fleet().command(pause.id())
                .get("state")));
        assertThat(first.applied).hasSize(1);
        assertThat(second.applied).isEmpty();
    }

    @Test
    void aPartitionKeepsTheAgentWorkingAndHealsWithTheHostBackAndTheResultDelivered() throws Exception {
        server = ControlPlaneServer.start(Duration.ofSeconds(1));
        long team = server.fleet().team("default");
        try (CuttableProxy proxy = new CuttableProxy(server.port())) {
            Agent agent = new Agent(URI.create("http://127.0.0.1:" + proxy.port()), joinTokenFile(team));
            UUID host = agent.host();
            server.fleet().workload(host, "web", WorkloadStatus.RUNNING);
            agent.gate = new CountDownLatch(1);
            SubmittedCommand stop = server.api().commands().submit(team, host, "web", CommandKind.STOP, "alice", "x");
            await().atMost(Duration.ofSeconds(20)).until(() -> !agent.applied.isEmpty());

            proxy.cut();
            // what the host monitor would do after the silence
            server.fleet().setHostStatus(host, "unreachable");
            Object lastSeen = server.fleet().host(host).get("last_heartbeat_at");
            agent.gate.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.link.health().failuresInARow() >= 2);
            assertThat(agent.journal.unacknowledged(10)).as("the result waits in the journal").hasSize(1);
            assertThat(server.fleet().host(host)).containsEntry("status", "unreachable")
                    .containsEntry("last_heartbeat_at", lastSeen);
            assertThat(server.fleet().command(stop.id())).containsEntry("state", "delivered");

            proxy.heal();
            await().atMost(Duration.ofSeconds(30)).until(() -> "online".equals(server.fleet().host(host)
                    .get("status")));
            assertThat(server.hostsBack()).containsExactly(host);
            assertThat(server.fleet().audit("host_online")).hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(server.fleet().command(stop.id())
                    .get("state")));
            assertThat(agent.applied).hasSize(1);
            assertThat(agent.link.health().failuresInARow()).isZero();
        }
    }

    private void redeliver(UUID command) {
        server.db().jdbi().useHandle(h -> h.createUpdate("UPDATE commands SET state = 'pending', finished_at = NULL "
                + "WHERE id = :id").bind("id", command).execute());
    }
}
