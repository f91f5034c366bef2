package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Backups end to end on real parts: the real agent process, each private engine (Podman, Docker), btrfs on a loop
 * device, and a real restic repository. restic runs behind a gate the test controls, which is how it looks at the
 * host while an upload is still running.
 */
class BackupTest extends OnEachEngine {

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new java.util.Random(bytes).nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Test
    void stopModeResumesAtTheSnapshotBeforeTheUploadEndsAndRestoresByteIdentical() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            String payload = random(50_000);
            Path dbData = b.btrfsData("db-data", Map.of("payload", payload, "config", "x=1\n"));
            // A single file mounted read-write (a config file): backed up from a snapshot of its subvolume.
            String conf = "role=primary\n" + random(3_000);
            Path dbConf = b.btrfsData("db-conf", Map.of("app.conf", conf)).resolve("app.conf");
            Path notesData = b.btrfsData("notes-data", Map.of("n", "protected"));
            Path idleData = b.btrfsData("idle-data", Map.of("i", "stopped"));
            b.run("db", "db", dbData, Map.of(), List.of("-v", dbConf + ":/etc/app.conf"));
            b.run("notes", "notes", notesData, Map.of("lifeline.protected", "true"));
            b.run("idle", "idle", idleData, Map.of());
            b.host.engine.cli("stop", "-t", "1", "idle");
            AgentProcess agent = readyAgent(b.host, 2);
            Instant notesStarted = b.host.startedAt("notes");

            b.holdUploads();
            JsonNode started = BackupHost.startBackup(agent, "db", "notes", "idle");
            String job = started.get("job").asText();
            b.awaitUploadHeld(agent);
            // Early resume: the stack is back while restic is still held at the gate (the upload starts once every
            // resume has ended; the record of it may be published a moment after restic started).
            Host.await(java.time.Duration.ofSeconds(60), "db resumed while the upload is held\n" + b.host.agentLogs(),
                    () -> BackupHost.stack(BackupHost.status(agent, job), "db").get("status").asText()
                            .equals("resumed"));
            JsonNode during = BackupHost.status(agent, job);
            assertThat(during.get("phase").asText()).isEqualTo("uploading");
            assertThat(b.host.isRunning("db")).as("db runs during the upload\n" + b.host.agentLogs()).isTrue();
            b.releaseUploads();

            JsonNode done = BackupHost.awaitPhase(agent, job, "done", "failed");
            assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("done");
            assertThat(done.get("path").asText()).isEqualTo("snapshot");
            JsonNode db = BackupHost.stack(done, "db");
            assertThat(db.get("mode").asText()).isEqualTo("stop");
            assertThat(db.get("downtimeMs").asLong()).isPositive();
            assertThat(done.get("phases").has("snapshotted")).isTrue();
            List<String> uploaded = new ArrayList<>();
            done.get("uploads").forEach(u -> uploaded.add(u.get("source").asText()));
            assertThat(uploaded).containsExactlyInAnyOrder(dbData.toString(), dbConf.toString());
            List<String> excluded = new ArrayList<>();
            done.get("excluded").forEach(e -> excluded.add(e.get("stack").asText() + ":" + e.get("reason").asText()));
            assertThat(excluded).contains("notes:protected", "idle:not_running");
            // Protected and already-stopped stacks are untouched.
            assertThat(b.host.startedAt("notes")).isEqualTo(notesStarted);
            assertThat(b.host.isRunning("idle")).isFalse();
            assertThat(Host.json(agent.get("/recovery/plan")).get("pendingMarkers")).isEmpty();
            try (Stream<Path> left = Files.list(dbData.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("the job's btrfs snapshots are deleted").noneMatch(n -> n.contains(job));
            }
            assertThat(b.btrfs.mountPoint().resolve(".lifeline-snapshots")).as("nor is their folder left").doesNotExist();

            // Restore in place: refused while the stack runs, then byte-identical with --stop; the old data is kept.
            Files.writeString(dbData.resolve("payload"), "damaged");
            Files.writeString(dbConf, "role=damaged\n");
            HttpResponse<String> refused = agent.post("/restore", "{\"stack\":\"db\"}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("--stop");
            HttpResponse<String> restored = agent.post("/restore", "{\"stack\":\"db\",\"stopStack\":true}");
            assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
            assertThat(Files.readString(dbData.resolve("payload"))).isEqualTo(payload);
            assertThat(Files.isRegularFile(dbConf)).isTrue();
            assertThat(Files.readString(dbConf)).isEqualTo(conf);
            JsonNode result = Host.json(restored.body());
            List<Path> previous = new ArrayList<>();
            result.get("previousData").forEach(p -> previous.add(Path.of(p.asText())));
            assertThat(previous).hasSize(2);
            for (Path p : previous) {
                if (Files.isDirectory(p)) {
                    assertThat(Files.readString(p.resolve("payload"))).isEqualTo("damaged");
                } else {
                    assertThat(p.getFileName().toString()).startsWith("app.conf.lifeline-before-restore-");
                    assertThat(Files.readString(p)).isEqualTo("role=damaged\n");
                }
            }
            assertThat(dbConf.resolveSibling("app.conf.lifeline-restore-" + job)).as("no staging left")
                    .doesNotExist();
            assertThat(result.get("restarted").asBoolean()).isTrue();
            assertThat(b.host.isRunning("db")).isTrue();

            // Restore beside the stack: the live data is not touched.
            Path to = b.host.dir.resolve("restored");
            HttpResponse<String> beside = agent.post("/restore", "{\"stack\":\"db\",\"to\":\"" + to + "\"}");
            assertThat(beside.statusCode()).as(beside.body()).isEqualTo(200);
            Path copy = to.resolve(dbData.toString().substring(1));
            assertThat(Files.readString(copy.resolve("payload"))).isEqualTo(payload);
            assertThat(Files.readString(copy.resolve("config"))).isEqualTo("x=1\n");
            assertThat(Files.readString(to.resolve(dbConf.toString().substring(1)))).isEqualTo(conf);

            // The password never reaches the agent's log.
            assertThat(agent.log()).doesNotContain(b.password);
        }
    }

    @Test
    void pauseFreezesWithoutARestartAndHooksRunBeforeTheMarkerAndAroundTheSnapshot() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path cacheData = b.btrfsData("cache-data", Map.of("c", "cache"));
            Path appData = b.btrfsData("app-data", Map.of("a", "app"));
            b.run("cache", "cache", cacheData, Map.of("lifeline.quiesce", "pause",
                    "lifeline.quiesce.prepare", "false"));
            b.run("app", "app", appData, Map.of("lifeline.quiesce", "hook",
                    "lifeline.quiesce.prepare", "touch /data/prepare-hook-ran",
                    "lifeline.quiesce.pre", "touch /data/pre-hook-ran",
                    "lifeline.quiesce.post", "touch /data/post-hook-ran"));
            AgentProcess agent = readyAgent(b.host, 2);
            Instant cacheStarted = b.host.startedAt("cache");
            Instant appStarted = b.host.startedAt("app");

            String job = BackupHost.startBackup(agent).get("job").asText();
            JsonNode done = BackupHost.awaitPhase(agent, job, "done", "failed");
            assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("done");
            assertThat(BackupHost.stack(done, "cache").get("mode").asText()).isEqualTo("pause");
            assertThat(BackupHost.stack(done, "app").get("mode").asText()).isEqualTo("hook");
            // Neither was restarted; the paused one is thawed.
            assertThat(b.host.startedAt("cache")).isEqualTo(cacheStarted);
            assertThat(b.host.startedAt("app")).isEqualTo(appStarted);
            assertThat(b.host.container("cache").status().name()).isEqualTo("RUNNING");
            assertThat(appData.resolve("post-hook-ran")).exists();
            // Before the marker, while both served: the prepare hooks (a failing one is a note), then the flush of
            // the data's filesystem, all before the first quiesce began.
            Instant firstQuiesce = Stream.of("cache", "app").map(s -> Instant.parse(BackupHost.stack(done, s)
                    .get("quiesceStartedAt").asText())).min(Instant::compareTo).orElseThrow();
            assertThat(done.get("prepareHooks")).hasSize(2);
            done.get("prepareHooks").forEach(h -> assertThat(endOf(h)).isBeforeOrEqualTo(firstQuiesce));
            assertThat(done.get("notes").toString()).contains("prepare-hook false in cache exited 1", "goes on");
            assertThat(done.get("flushes")).singleElement().satisfies(f -> {
                assertThat(f.get("filesystem").asText()).isEqualTo(b.btrfs.mountPoint().toRealPath().toString());
                assertThat(f.get("failure").isNull()).as(f.toString()).isTrue();
                assertThat(endOf(f)).isBeforeOrEqualTo(firstQuiesce);
                done.get("prepareHooks").forEach(h -> assertThat(endOf(h)).isBeforeOrEqualTo(
                        Instant.parse(f.get("startedAt").asText())));
            });

            // The snapshot holds what the prepare and pre-hooks did, not what the post-hook did after it.
            Path to = b.host.dir.resolve("restored");
            assertThat(agent.post("/restore", "{\"stack\":\"app\",\"to\":\"" + to + "\"}").statusCode()).isEqualTo(200);
            Path copy = to.resolve(appData.toString().substring(1));
            assertThat(copy.resolve("prepare-hook-ran")).exists();
            assertThat(copy.resolve("pre-hook-ran")).exists();
            assertThat(copy.resolve("post-hook-ran")).doesNotExist();
        }
    }

    /** When a timed step of a job record ({@code startedAt}, {@code millis}) ended. */
    private static Instant endOf(JsonNode step) {
        return Instant.parse(step.get("startedAt").asText()).plusMillis(step.get("millis").asLong());
    }

    @Test
    void withoutASnapshotFilesystemTheStackStaysStoppedUntilTheUploadEnds() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.plainData("plain-data", Map.of("p", random(1000)));
            Path rules = b.plainData("plain-conf", Map.of("rules", "strict\n")).resolve("rules");
            b.run("ledger", "ledger", data, Map.of(), List.of("-v", rules + ":/etc/rules"));
            AgentProcess agent = readyAgent(b.host, 1);

            b.holdUploads();
            String job = BackupHost.startBackup(agent, "ledger").get("job").asText();
            b.awaitUploadHeld(agent);
            assertThat(b.host.isRunning("ledger")).as("stop-mode fallback: stopped during the upload").isFalse();
            // While the job holds the stack, neither a start nor an in-place restore may undo its quiesce.
            HttpResponse<String> restore = agent.post("/restore", "{\"stack\":\"ledger\",\"stopStack\":true}");
            assertThat(restore.statusCode()).as(restore.body()).isEqualTo(409);
            assertThat(restore.body()).contains("quiesced by backup job " + job);
            HttpResponse<String> start = agent.post("/stacks/ledger/start");
            assertThat(start.statusCode()).as(start.body()).isEqualTo(409);
            b.releaseUploads();
            JsonNode done = BackupHost.awaitPhase(agent, job, "done", "failed");
            assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("done");
            assertThat(done.get("path").asText()).isEqualTo("stop-fallback");
            assertThat(done.get("notes").toString()).contains("stop-mode fallback");
            assertThat(done.get("uploads")).as("the directory and the file, read while stopped").hasSize(2);
            assertThat(b.host.isRunning("ledger")).isTrue();
        }
    }

    @Test
    void onAFilesystemWithoutSnapshotsAStagingCopyWithinBudgetStillResumesEarly() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "  staging-budget: 8MiB\n  keep-last: 1\n  keep-daily: 0\n"
                + "  keep-weekly: 0\n  keep-monthly: 0\n")) {
            String content = random(100_000);
            Path data = b.plainData("staged-data", Map.of("s", content));
            String settings = random(2_000);
            Path file = b.plainData("staged-conf", Map.of("settings.ini", settings)).resolve("settings.ini");
            b.run("staged", "staged", data, Map.of(), List.of("-v", file + ":/etc/settings.ini"));
            b.run("hollow", "hollow", b.plainData("hollow-data", Map.of()), Map.of());
            AgentProcess agent = readyAgent(b.host, 2);

            b.holdUploads();
            String job = BackupHost.startBackup(agent, "staged", "hollow").get("job").asText();
            b.awaitUploadHeld(agent);
            // resumed once the staging copy exists, beside the upload (which is still held)
            Host.await(java.time.Duration.ofSeconds(60), "staged resumed while the upload is held",
                    () -> b.host.isRunning("staged"));
            assertThat(Files.exists(b.gate.resolve("open"))).as("the upload is still held").isFalse();
            b.releaseUploads();
            JsonNode done = BackupHost.awaitPhase(agent, job, "done", "failed");
            assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("done");
            assertThat(done.get("path").asText()).isEqualTo("snapshot");
            assertThat(done.get("notes").toString()).contains("was empty: nothing to store");
            Path to = b.host.dir.resolve("staged-restore");
            assertThat(agent.post("/restore", "{\"stack\":\"staged\",\"to\":\"" + to + "\"}").statusCode())
                    .isEqualTo(200);
            assertThat(to.resolve(data.toRealPath().toString().substring(1)).resolve("s")).hasContent(content);
            Path fileCopy = to.resolve(file.toRealPath().toString().substring(1));
            assertThat(Files.readAllBytes(fileCopy)).isEqualTo(settings.getBytes(java.nio.charset.StandardCharsets.UTF_8));

            // Retention (keep-last 1) is per stack and data path: after a second job, one snapshot per path is left.
            String second = BackupHost.startBackup(agent, "staged").get("job").asText();
            assertThat(BackupHost.awaitPhase(agent, second, "done", "failed").get("phase").asText()).isEqualTo("done");
            Map<String, String> jobBySource = new java.util.HashMap<>();
            Host.json(agent.get("/backup/snapshots?stack=staged")).get("snapshots").forEach(s ->
                    assertThat(jobBySource.put(s.get("source").asText(), s.get("job").asText())).isNull());
            assertThat(jobBySource).isEqualTo(Map.of(data.toRealPath().toString(), second,
                    file.toRealPath().toString(), second));
        }
    }

    @Test
    void aStackWithAScheduleLabelIsBackedUpByItselfAndDueShowsTheResult() {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.btrfsData("tick-data", Map.of("t", random(500)));
            b.run("tick", "tick", data, Map.of("lifeline.backup.schedule", "* * * * *"));
            AgentProcess agent = readyAgent(b.host, 1);

            // Nobody asks for a backup: the scheduler (every 30 s) finds tick due and runs one.
            JsonNode[] scheduled = new JsonNode[1];
            Host.await(java.time.Duration.ofSeconds(150), "the schedule backs up tick by itself", () -> {
                for (JsonNode j : Host.json(agent.get("/backup/jobs?stack=tick")).get("jobs")) {
                    if (j.get("origin").asText().equals("schedule") && j.get("phase").asText().equals("done")) {
                        scheduled[0] = j;
                        return true;
                    }
                }
                return false;
            });
            assertThat(scheduled[0].get("uploads")).hasSize(1);

            JsonNode tick = null;
            for (JsonNode d : Host.json(agent.get("/backup/due")).get("stacks")) {
                if (d.get("stack").asText().equals("tick")) {
                    tick = d;
                }
            }
            assertThat(tick).as("tick is listed by /backup/due").isNotNull();
            assertThat(tick.get("schedule").asText()).isEqualTo("* * * * *");
            assertThat(tick.get("problem").isNull()).isTrue();
            assertThat(tick.get("lastFailure").isNull()).as(tick.toString()).isTrue();
            // The newest result: this job's end, or a later scheduled run's if the next minute came meanwhile.
            Instant lastSuccess = Instant.parse(tick.get("lastSuccess").asText());
            assertThat(lastSuccess).isAfterOrEqualTo(Instant.parse(scheduled[0].get("finishedAt").asText()));
            List<Instant> finished = new ArrayList<>();
            Host.json(agent.get("/backup/jobs?stack=tick")).get("jobs").forEach(j -> {
                assertThat(j.get("origin").asText()).isEqualTo("schedule");
                if (j.get("phase").asText().equals("done")) {
                    finished.add(Instant.parse(j.get("finishedAt").asText()));
                }
            });
            assertThat(finished).as("lastSuccess is a recorded job's end").contains(lastSuccess);
            assertThat(Instant.parse(tick.get("nextRun").asText())).isAfter(lastSuccess);
            assertThat(Host.json(agent.get("/backup/snapshots?stack=tick")).get("snapshots")).isNotEmpty();
        }
    }

    @Test
    void theMaxQuiesceBoundResumesTheStackWhileTheUploadGoesOn() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "  max-quiesce: 8s\n")) {
            Path data = b.plainData("slow-data", Map.of("s", "x"));
            b.run("slow", "slow", data, Map.of());
            AgentProcess agent = readyAgent(b.host, 1);

            b.holdUploads();
            String job = BackupHost.startBackup(agent, "slow").get("job").asText();
            b.awaitUploadHeld(agent);
            Host.await(BackupHost.JOB, "the bound resumes the stack during the upload",
                    () -> b.host.isRunning("slow"));
            assertThat(Files.exists(b.gate.resolve("open"))).as("the upload is still held").isFalse();
            b.releaseUploads();
            JsonNode done = BackupHost.awaitPhase(agent, job, "done", "failed");
            assertThat(done.get("notes").toString()).contains("max-quiesce deadline");
            assertThat(done.get("phase").asText()).isEqualTo("done");
        }
    }

    @Test
    void failuresLeaveEveryStackRunningAndSayWhy() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path webData = b.btrfsData("web-data", Map.of("w", "web"));
            Path apiData = b.btrfsData("api-data", Map.of("a", "api"));
            b.run("web", "web", webData, Map.of());
            b.run("api", "api", apiData, Map.of("lifeline.quiesce", "hook", "lifeline.quiesce.pre", "false"));
            AgentProcess agent = readyAgent(b.host, 2);

            // A failing pre-hook fails the job before anything is snapshotted; everything runs.
            String hookJob = BackupHost.startBackup(agent, "web", "api").get("job").asText();
            JsonNode hookFailed = BackupHost.awaitPhase(agent, hookJob, "done", "failed");
            assertThat(hookFailed.get("phase").asText()).isEqualTo("failed");
            assertThat(hookFailed.get("failure").asText()).contains("pre-hook false").contains("exited 1");
            assertThat(b.host.isRunning("web")).isTrue();
            assertThat(b.host.isRunning("api")).isTrue();

            // restic fails after the snapshot: the app is already back and stays up; the job says why.
            b.failUploads();
            String uploadJob = BackupHost.startBackup(agent, "web").get("job").asText();
            JsonNode uploadFailed = BackupHost.awaitPhase(agent, uploadJob, "done", "failed");
            assertThat(uploadFailed.get("phase").asText()).isEqualTo("failed");
            assertThat(uploadFailed.get("failure").asText()).contains("upload failed");
            assertThat(BackupHost.stack(uploadFailed, "web").get("status").asText()).isEqualTo("resumed");
            assertThat(b.host.isRunning("web")).isTrue();
            assertThat(Host.json(agent.get("/recovery/plan")).get("pendingMarkers")).isEmpty();

            // The snapshot cannot be taken (its folder is blocked by a file): the stacks come back, the job says why.
            b.failUploads();
            Files.delete(b.gate.resolve("fail"));
            Path blocker = b.btrfs.mountPoint().resolve(".lifeline-snapshots");
            assertThat(blocker).as("the earlier jobs left no snapshot folder").doesNotExist();
            Files.writeString(blocker, "in the way");
            String snapJob = BackupHost.startBackup(agent, "web").get("job").asText();
            JsonNode snapFailed = BackupHost.awaitPhase(agent, snapJob, "done", "failed");
            assertThat(snapFailed.get("phase").asText()).isEqualTo("failed");
            assertThat(snapFailed.get("failure").asText()).contains("snapshots failed");
            assertThat(b.host.isRunning("web")).isTrue();
            Files.delete(blocker);

            // A repository the password does not open fails the job before any stack is touched: no downtime.
            String rightPassword = Files.readString(b.passwordFile);
            Files.writeString(b.passwordFile, "not-the-password\n");
            Instant webStarted = b.host.startedAt("web");
            String lockedOut = BackupHost.startBackup(agent, "web").get("job").asText();
            JsonNode repoFailed = BackupHost.awaitPhase(agent, lockedOut, "done", "failed");
            Files.writeString(b.passwordFile, rightPassword);
            assertThat(repoFailed.get("phase").asText()).isEqualTo("failed");
            assertThat(repoFailed.get("failure").asText()).contains("the backup repository cannot be used")
                    .contains("password").contains("no stack was touched");
            assertThat(BackupHost.stack(repoFailed, "web").get("status").asText()).isEqualTo("planned");
            assertThat(b.host.startedAt("web")).as("web was never stopped").isEqualTo(webStarted);
            assertThat(agent.log()).doesNotContain("not-the-password");

            // Unknown stacks are refused by name.
            HttpResponse<String> unknown = agent.post("/backup", "{\"stacks\":[\"nope\"]}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("unknown stack 'nope'");
        }
    }

    @Test
    void anEngineGoneWhileAStackIsQuiescedFailsTheJobAndTheStackComesBackWithTheEngine() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.plainData("far-data", Map.of("f", "far"));
            b.run("far", "far", data, Map.of());
            AgentProcess agent = readyAgent(b.host, 1);

            b.holdUploads();
            String job = BackupHost.startBackup(agent, "far").get("job").asText();
            b.awaitUploadHeld(agent);
            assertThat(b.host.isRunning("far")).isFalse();
            engine.stopService();
            try {
                b.releaseUploads();
                JsonNode failed = BackupHost.awaitPhase(agent, job, "done", "failed");
                assertThat(failed.get("phase").asText()).isEqualTo("failed");
                assertThat(failed.get("failure").asText()).contains("resume of far failed");
            } finally {
                engine.startService();
            }
            // The start promise left in the quiesce marker's place brings it back once the engine answers.
            Host.await(java.time.Duration.ofSeconds(90), "far runs again\n" + b.host.agentLogs(),
                    () -> b.host.isRunning("far"));
            Host.await(java.time.Duration.ofSeconds(30), "no marker is left", () ->
                    Host.json(agent.get("/recovery/plan")).get("pendingMarkers").isEmpty());
            assertThat(Host.stacks(agent).get("far").get("intent").asText()).isEqualTo("running");
        }
    }

    @Test
    void twoConcurrentBackupsRunOneAndThePasswordNeverShowsInPs() throws Exception {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.btrfsData("one-data", Map.of("o", "one"));
            b.run("one", "one", data, Map.of());
            AgentProcess agent = readyAgent(b.host, 1);

            b.holdUploads();
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() ->
                    agent.post("/backup", "{\"stacks\":[\"one\"]}"));
            CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() ->
                    agent.post("/backup", "{\"stacks\":[\"one\"]}"));
            List<Integer> codes = List.of(first.get().statusCode(), second.get().statusCode());
            assertThat(codes).containsExactlyInAnyOrder(202, 409);
            b.awaitUploadHeld(agent);
            // While restic runs, no process's command line carries the password.
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")));
                        assertThat(cmdline).doesNotContain(b.password);
                    } catch (IOException gone) {
                        // the process ended meanwhile
                    }
                }
            }
            b.releaseUploads();
            String job = Host.json((first.get().statusCode() == 202 ? first : second).get().body()).get("job").asText();
            assertThat(BackupHost.awaitPhase(agent, job, "done", "failed").get("phase").asText()).isEqualTo("done");
            assertThat(agent.log()).doesNotContain(b.password);
        }
    }

    @Test
    void theCliBacksUpListsRestoresAndDoctorSaysHowEachPathIsRead() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path snap = b.btrfsData("snap-data", Map.of("s", "snap"));
            Path plain = b.plainData("plain-data", Map.of("p", "plain"));
            b.run("snappy", "snappy", snap, Map.of());
            b.run("plainy", "plainy", plain, Map.of());
            readyAgent(b.host, 2);
            String dataDir = b.host.dataDir.toString();

            dev.lifeline.cli.CliRunner.Run now = dev.lifeline.cli.CliRunner.run("backup", "now", "snappy", "--wait",
                    "--json", "--data-dir", dataDir);
            assertThat(now.code()).as(now.err() + now.out()).isZero();
            JsonNode record = Host.json(now.out());
            assertThat(record.get("phase").asText()).isEqualTo("done");
            assertThat(BackupHost.stack(record, "snappy").get("resumedAt").isTextual()).isTrue();

            dev.lifeline.cli.CliRunner.Run list = dev.lifeline.cli.CliRunner.run("backup", "list", "snappy",
                    "--data-dir", dataDir);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains(record.get("job").asText()).contains(snap.toString());

            Path to = b.host.dir.resolve("cli-restore");
            dev.lifeline.cli.CliRunner.Run restore = dev.lifeline.cli.CliRunner.run("restore", "snappy", "--to",
                    to.toString(), "--data-dir", dataDir);
            assertThat(restore.code()).as(restore.err()).isZero();
            assertThat(to.resolve(snap.toString().substring(1)).resolve("s")).hasContent("snap");

            dev.lifeline.cli.CliRunner.Run doctor = dev.lifeline.cli.CliRunner.run("doctor", "--data-dir", dataDir,
                    "--engine", engine.socketUri().toString());
            assertThat(doctor.out()).contains("snappy " + snap + ": snapshot by btrfs")
                    .contains("plainy " + plain.toRealPath() + ": stop-mode fallback");
        }
    }

    @Test
    void verifyRunsTheStacksCheckOnARestoredCopyAndCatchesACorruptRepository() throws IOException {
        try (BackupHost b = BackupHost.create(engine, "")) {
            Path data = b.btrfsData("shop-data", Map.of("orders", random(20_000)));
            b.run("shop", "shop", data, Map.of("lifeline.verify", "sh -c 'test -s /data/orders'"));
            AgentProcess agent = readyAgent(b.host, 1);
            String job = BackupHost.startBackup(agent, "shop").get("job").asText();
            assertThat(BackupHost.awaitPhase(agent, job, "done", "failed").get("phase").asText()).isEqualTo("done");

            HttpResponse<String> ok = agent.post("/backup/verify", "{\"stack\":\"shop\"}");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(Host.json(ok.body()).get("passed").asBoolean()).as(ok.body()).isTrue();

            // Damage every data pack of the repository: the restore cannot produce the data, so verify fails.
            try (Stream<Path> packs = Files.walk(b.repository.resolve("data"))) {
                for (Path pack : packs.filter(Files::isRegularFile).toList()) {
                    byte[] bytes = Files.readAllBytes(pack);
                    for (int i = 0; i < bytes.length; i += 7) {
                        bytes[i] ^= 0x5a;
                    }
                    pack.toFile().setWritable(true);
                    Files.write(pack, bytes);
                }
            }
            HttpResponse<String> bad = agent.post("/backup/verify", "{\"stack\":\"shop\"}");
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(200);
            JsonNode report = Host.json(bad.body());
            assertThat(report.get("passed").asBoolean()).as(bad.body()).isFalse();
            assertThat(b.host.isRunning("shop")).isTrue();
        }
    }
}
