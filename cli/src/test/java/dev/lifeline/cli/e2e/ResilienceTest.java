package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad days no engine changes: a corrupt journal, a second agent on the same data dir, a full disk. They run on
 * Podman; an engine that goes away is {@link EngineOutageTest}'s, on both engines.
 */
class ResilienceTest extends RealEngineTest {

    @BeforeAll
    static void startEngine() {
        engine = TestEngine.start(EngineKind.PODMAN);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    private static Host host() {
        return new Host(engine, "recovery:\n  settle-time: 300ms\n");
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

}
