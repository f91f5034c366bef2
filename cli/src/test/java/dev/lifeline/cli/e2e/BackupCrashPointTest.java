package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.agent.fault.HaltingCrashPoints;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.testkit.process.AgentProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * kill -9 of the real agent at every crash point of the backup cycle: after a restart every stack the job quiesced
 * runs again (stopped ones started, paused ones thawed), the marker is gone and the job is recorded failed.
 */
class BackupCrashPointTest extends RealEngineTest {
    static final List<String> BACKUP_POINTS = CrashPoint.BACKUP;
    static final List<String> RESTORE_POINTS = CrashPoint.RESTORE;

    @ParameterizedTest(name = "kill -9 at {0}")
    @FieldSource("RESTORE_POINTS")
    void anInPlaceRestoreInterruptedAtAnyPointLeavesTheStackRunningAndLosesNothing(String point) throws Exception {
        try (BackupHost b = BackupHost.create(podman, "")) {
            Path data = b.btrfsData("db-data", Map.of("d", "backed-up"));
            b.run("db", "db", data, Map.of());
            AgentProcess first = readyAgent(b.host, 1);
            String job = BackupHost.startBackup(first, "db").get("job").asText();
            assertThat(BackupHost.awaitPhase(first, job, "done", "failed").get("phase").asText()).isEqualTo("done");
            first.terminate();
            java.nio.file.Files.writeString(data.resolve("d"), "changed since");

            AgentProcess crashing = b.host.agent(Map.of(HaltingCrashPoints.ENV, point));
            crashing.awaitReady(READY);
            java.util.concurrent.CompletableFuture.runAsync(() ->
                    crashing.post("/restore", "{\"stack\":\"db\",\"stopStack\":true}"));
            assertThat(crashing.awaitCrashPoint(Duration.ofSeconds(90))).isEqualTo(point);
            crashing.kill9();

            AgentProcess last = b.host.agent();
            last.awaitReady(READY);
            Host.await(Duration.ofSeconds(60), "db runs again\n" + b.host.agentLogs(), () -> b.host.isRunning("db"));
            assertThat(Host.json(last.get("/recovery/plan")).get("pendingMarkers")).isEmpty();
            assertThat(Host.stacks(last).get("db").get("intent").asText()).isEqualTo("running");
            String now = java.nio.file.Files.readString(data.resolve("d"));
            if (point.equals(CrashPoint.RESTORE_AFTER_SWAP)) {
                assertThat(now).isEqualTo("backed-up");
                Path aside = data.resolveSibling(data.getFileName() + ".lifeline-before-restore-" + job);
                assertThat(java.nio.file.Files.readString(aside.resolve("d"))).isEqualTo("changed since");
            } else {
                assertThat(now).as("the swap had not happened: the live data is untouched").isEqualTo("changed since");
            }
        }
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @FieldSource("BACKUP_POINTS")
    void aBackupInterruptedAtAnyPointIsFinishedAtTheNextStart(String point) {
        try (BackupHost b = BackupHost.create(podman, "")) {
            Path dbData = b.btrfsData("db-data", Map.of("d", "db"));
            Path cacheData = b.btrfsData("cache-data", Map.of("c", "cache"));
            b.run("db", "db", dbData, Map.of());
            b.run("cache", "cache", cacheData, Map.of("lifeline.quiesce", "pause", "lifeline.depends-on", "db"));
            readyAgent(b.host, 2).terminate();

            AgentProcess crashing = b.host.agent(Map.of(HaltingCrashPoints.ENV, point));
            crashing.awaitReady(READY);
            String job = BackupHost.startBackup(crashing, "db", "cache").get("job").asText();
            assertThat(crashing.awaitCrashPoint(Duration.ofSeconds(90))).isEqualTo(point);
            crashing.kill9();

            AgentProcess last = b.host.agent();
            last.awaitReady(READY);
            Host.await(Duration.ofSeconds(60), "db and cache run again", () ->
                    b.host.isRunning("db") && b.host.container("cache").status().name().equals("RUNNING"));
            JsonNode plan = Host.json(last.get("/recovery/plan"));
            assertThat(plan.get("pendingMarkers")).as("the quiesce marker is finished\n" + b.host.agentLogs())
                    .isEmpty();
            assertThat(b.btrfs.mountPoint().resolve(".lifeline-snapshots"))
                    .as("the job's leftover snapshots are deleted, and their folder").doesNotExist();
            JsonNode record = BackupHost.status(last, job);
            assertThat(record.get("phase").asText()).isEqualTo("failed");
            assertThat(record.get("failure").asText()).contains("the agent stopped");
            Map<String, JsonNode> stacks = Host.stacks(last);
            assertThat(stacks.get("db").get("intent").asText()).isEqualTo("running");
            assertThat(stacks.get("cache").get("intent").asText()).isEqualTo("running");
            // A new job runs fine afterwards: nothing was left locked.
            String next = BackupHost.startBackup(last, "db").get("job").asText();
            assertThat(BackupHost.awaitPhase(last, next, "done", "failed").get("phase").asText()).isEqualTo("done");
        }
    }
}
