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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of the real agent at every crash point of the backup cycle (on Docker, at those that leave the engine half
 * way: {@link OnEachEngine#crashPoints}): after a restart every stack the job quiesced
 * runs again (stopped ones started, paused ones thawed), the marker is gone and the job is recorded failed. The same
 * for an in-place restore: the stack runs again and the live data is either untouched (put back) or restored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupCrashPointTest extends OnEachEngine {

    List<String> backupPoints() {
        return crashPoints(CrashPoint.BACKUP);
    }

    List<String> restorePoints() {
        return crashPoints(CrashPoint.RESTORE);
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @MethodSource("restorePoints")
    void anInPlaceRestoreInterruptedAtAnyPointLeavesTheStackRunningAndLosesNothing(String point) throws Exception {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.btrfsData("db-data", Map.of("d", "backed-up"));
            b.run("db", "db", data, Map.of());
            AgentProcess first = readyAgent(b.host, 1);
            String job = BackupHost.startBackup(first, "db").get("job").asText();
            assertThat(BackupHost.awaitPhase(first, job, "done", "failed").get("phase").asText()).isEqualTo("done");
            first.terminate();
            java.nio.file.Files.writeString(data.resolve("d"), "changed since");
            java.nio.file.Files.write(data.resolve("new-since"), new byte[] {0, 1, 2, (byte) 0xff});
            Map<String, String> live = tree(data);

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
            Path aside = data.resolveSibling(data.getFileName() + ".lifeline-before-restore-" + job);
            Path staging = data.resolveSibling(data.getFileName() + ".lifeline-restore-" + job);
            if (point.equals(CrashPoint.RESTORE_AFTER_SWAP)) {
                assertThat(now).isEqualTo("backed-up");
                assertThat(tree(aside)).isEqualTo(live);
            } else {
                // Before the swap, or half way through it (the live data renamed aside, the restored copy not yet in
                // place): the restore did not complete, and the live data is back, byte for byte.
                assertThat(tree(data)).as("the live data as it was before the restore\n" + b.host.agentLogs())
                        .isEqualTo(live);
                assertThat(aside).doesNotExist();
                assertThat(staging).as("the restored copy is deleted").doesNotExist();
            }
            if (point.equals(CrashPoint.RESTORE_BETWEEN_RENAMES)) {
                assertThat(last.log()).contains("event=restore_rolled_back").contains("event=restore_undone");
            }
        }
    }

    /** Every file and folder under {@code root} with its type and the SHA-256 of its bytes. */
    private static Map<String, String> tree(Path root) throws java.io.IOException {
        Map<String, String> result = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.toList()) {
                String digest = java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? java.util.HexFormat.of().formatHex(sha256(java.nio.file.Files.readAllBytes(p))) : "dir";
                result.put(root.relativize(p).toString(), digest);
            }
        }
        return result;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "kill -9 at {0}")
    @MethodSource("backupPoints")
    void aBackupInterruptedAtAnyPointIsFinishedAtTheNextStart(String point) {
        try (BackupHost b = BackupHost.create(engine, "")) {
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
            JsonNode after = BackupHost.awaitPhase(last, next, "done", "failed");
            assertThat(after.get("phase").asText()).as("the next job\n" + after + "\n" + b.host.agentLogs())
                    .isEqualTo("done");
        }
    }
}
