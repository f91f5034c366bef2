package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Bad days: a corrupt journal, an engine that is not there yet, a second agent on the same data dir. */
class ResilienceTest extends RealEngineTest {

    private static Host host() {
        return new Host(podman, "recovery:\n  settle-time: 300ms\n");
    }

    @Test
    void aCorruptJournalIsQuarantinedAndRebuiltFromTheEngine() throws IOException {
        try (Host host = host()) {
            host.create("photos", Map.of("lifeline.stack", "photos"));
            host.start("photos");
            host.agent().awaitReady(READY);
            host.agents().get(0).kill9();
            // After a kill -9 most of the journal may still be in its write-ahead log; damage both files.
            Path journal = host.dataDir.resolve("journal.db");
            byte[] garbage = new byte[16 * 1024];
            java.util.Arrays.fill(garbage, (byte) 0x5a);
            Files.write(journal, garbage);
            Path wal = host.dataDir.resolve("journal.db-wal");
            if (Files.exists(wal)) {
                Files.write(wal, garbage);
            }

            AgentProcess agent = host.agent();
            agent.awaitReady(READY);
            assertThat(agent.log()).contains("event=journal_quarantined");
            try (Stream<Path> files = Files.list(host.dataDir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("journal.db.corrupt-"));
            }
            assertThat(Host.stacks(agent).get("photos").get("inRunningSet").asBoolean())
                    .as("the running set is rebuilt from what runs now").isTrue();
            assertThat(agent.get("/events?limit=50")).contains("journal_rebuilt");
        }
    }

    @Test
    void anAgentStartedBeforeTheEngineWaitsAndRecoversOnceItAnswers() {
        try (Host host = host()) {
            host.create("db", Map.of("lifeline.stack", "db"));
            host.start("db");
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            Host.await(Duration.ofSeconds(30), "db in the running set", () ->
                    Host.stacks(first).get("db").get("inRunningSet").asBoolean());
            host.crashAndReboot(first);
            host.podman.stopService();
            try {
                AgentProcess agent = host.agent();
                Host.await(Duration.ofSeconds(30), "the agent reports that it waits for the engine", () ->
                        agent.log().contains("event=engine_unreachable"));
                assertThat(agent.isAlive()).isTrue();
                Host.await(Duration.ofSeconds(30), "the API answers, not ready without an engine", () ->
                        status(agent, "/health/ready") == 503);
                host.podman.startService();
                agent.awaitReady(READY);
                assertThat(host.isRunning("db")).isTrue();
            } finally {
                if (!host.podman.serviceRunning()) {
                    host.podman.startService();
                }
            }
        }
    }

    @Test
    void theAgentRidesOutTheEngineGoingAwayAndSupervisesAgainWhenItIsBack() {
        try (Host host = new Host(podman, "recovery:\n  settle-time: 300ms\nsupervision:\n  resync-interval: 1s\n"
                + "  user-stop-confirm: 2s\n")) {
            host.create("blog", Map.of("lifeline.stack", "blog"));
            host.start("blog");
            AgentProcess agent = readyAgent(host, 1);
            host.podman.stopService();
            try {
                Host.await(Duration.ofSeconds(30), "the agent notices the engine is gone", () ->
                        agent.log().contains("event=engine_events_lost") || agent.log().contains("event=resync_failed"));
                assertThat(agent.isAlive()).isTrue();
            } finally {
                host.podman.startService();
            }
            host.podman.podman("stop", "-t", "5", "blog");
            Host.await(Duration.ofSeconds(60), "a stop after the engine came back becomes the user's intent", () ->
                    Host.stacks(agent).get("blog").get("intent").asText().equals("user-stopped"));
            assertThat(host.isRunning("blog")).isFalse();
        }
    }

    @Test
    void aSecondAgentOnTheSameDataDirRefusesToStart() {
        try (Host host = host()) {
            AgentProcess first = host.agent();
            first.awaitReady(READY);
            AgentProcess second = host.agent();
            Host.await(Duration.ofSeconds(30), "the second agent exits", () -> !second.isAlive());
            assertThat(second.log()).contains("another Lifeline agent").contains(String.valueOf(first.pid()));
            assertThat(first.isAlive()).isTrue();
        }
    }

    @Test
    void aStopIsRefusedWhenTheJournalDiskIsNearlyFullAndNothingChanges() throws Exception {
        try (Host host = host()) {
            host.create("app", Map.of("lifeline.stack", "app"));
            host.start("app");
            // The data dir on a 12 MiB tmpfs: less free space than Lifeline requires for a disruptive step.
            Files.createDirectories(host.dataDir);
            run("mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", host.dataDir.toString());
            try {
                AgentProcess agent = host.agent();
                agent.awaitReady(READY);
                var response = agent.post("/stacks/app/stop");
                assertThat(response.statusCode()).isEqualTo(507);
                assertThat(response.body()).contains("KiB free").contains("nothing was changed");
                assertThat(host.isRunning("app")).isTrue();
                assertThat(Host.stacks(agent).get("app").get("intent").asText()).isEqualTo("running");
                agent.terminate();
            } finally {
                run("umount", host.dataDir.toString());
            }
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (this test needs root to mount a tmpfs): "
                    + out);
        }
    }

    private static int status(AgentProcess agent, String path) {
        try {
            return agent.getStatus(path);
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
