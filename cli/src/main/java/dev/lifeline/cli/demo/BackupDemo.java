package dev.lifeline.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.agent.api.Json;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.podman.PostgresImage;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The demo's backup part: a PostgreSQL stack with a few rows, {@code backup now} through the agent's API shown as a
 * timeline (quiesced, snapshotted, resumed, uploaded, done), then a verified restore of what was stored.
 *
 * <p>The data dir sits in the demo's work dir on the local filesystem, so the snapshot is the staging copy
 * ({@code cp --reflink=auto} within {@code backup.staging-budget}); the restic repository and its password file are in
 * the work dir too.
 */
final class BackupDemo {
    static final String STACK = "pg";
    private static final int ROWS = 1000;
    private static final String SOCKET_DIR = "/var/run/postgresql";
    /** The verify command must be self-contained: the agent runs it with no environment of its own. */
    /** Run before the job's marker while PostgreSQL serves: its shutdown inside the downtime then writes little. */
    private static final String PREPARE_LABEL = "psql -X -q -h " + SOCKET_DIR + " -U postgres -c CHECKPOINT";
    private static final String VERIFY_LABEL = "env \"VERIFY_SQL=SELECT count(*) FROM notes\" "
            + PostgresImage.VERIFY_COMMAND;

    private final PrintStream out;
    private final TestEngine engine;
    private final Path work;
    private final ObjectMapper json = Json.mapper();
    private boolean skipped;

    BackupDemo(PrintStream out, TestEngine engine, Path work) {
        this.out = out;
        this.engine = engine;
        this.work = work;
    }

    /** Whether the backup part was skipped (no PostgreSQL image). */
    boolean skipped() {
        return skipped;
    }

    /** The agent's {@code backup:} settings: a repository and its password file (0600) inside the work dir. */
    static String config(Path work) throws IOException {
        Path password = work.resolve("restic-password");
        Files.writeString(password, UUID.randomUUID() + "\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        return "backup:\n  repository: " + work.resolve("restic-repo") + "\n  password-file: " + password + "\n"
                + "  staging-budget: 1GiB\n";
    }

    /** Runs the backup part against the running agent; true when it passed or had to be skipped. */
    boolean run(AgentProcess agent, Step step) throws IOException, InterruptedException {
        out.println();
        step.next("backup part: the PostgreSQL image (built offline from the Debian mirror by "
                + "scripts/build-postgres-image: about 3 minutes the first time on this machine, cached after)");
        try {
            PostgresImage.importInto(engine);
        } catch (RuntimeException e) {
            out.println("  skipping the backup part: the PostgreSQL image is not available ("
                    + firstLine(e.getMessage()) + ")");
            out.println("  build it as root with scripts/build-postgres-image, then run the demo again");
            skipped = true;
            return true;
        }

        step.next("creating stack '" + STACK + "' (PostgreSQL 15, quiesce mode stop) and writing " + ROWS
                + " rows into table notes");
        Path data = Files.createDirectories(work.resolve("pg-data"));
        engine.cli("run", "-d", "--name", STACK, "--network", "none",
                "--label", "lifeline.stack=" + STACK, "--label", "lifeline.quiesce=stop",
                "--label", "lifeline.quiesce.prepare=" + PREPARE_LABEL, "--label", "lifeline.verify=" + VERIFY_LABEL,
                "--health-cmd", "pg_isready -q -h " + SOCKET_DIR, "--health-interval", "1s",
                "-e", "LISTEN_ADDRESSES=", "-v", data + ":" + PostgresImage.DATA_DIR, PostgresImage.NAME);
        awaitPostgres();
        psql("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        psql("INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, " + ROWS + ") g");

        step.next("backup now (POST /backup {\"stacks\":[\"" + STACK + "\"]}): stop PostgreSQL cleanly, snapshot "
                + "its data, start it again, then upload the snapshot to restic");
        HttpResponse<String> started = agent.post("/backup", "{\"stacks\":[\"" + STACK + "\"]}");
        if (started.statusCode() != 202) {
            out.println("  FAILED: the agent answered " + started.statusCode() + ": " + started.body());
            return false;
        }
        String job = json.readTree(started.body()).get("job").asText();
        JsonNode record = awaitJob(agent, job);
        JsonNode stack = record.get("stacks").get(0);
        boolean done = "done".equals(record.get("phase").asText());
        Long downtime = stack.hasNonNull("downtimeMs") ? stack.get("downtimeMs").asLong() : null;
        printTimeline(record, stack, downtime);

        step.next("verified restore (POST /backup/verify): restore the newest backup into a scratch folder and run "
                + "the stack's lifeline.verify command on it in a throw-away container");
        out.println("  lifeline.verify = " + VERIFY_LABEL);
        JsonNode verify = null;
        HttpResponse<String> answer = agent.post("/backup/verify", "{\"stack\":\"" + STACK + "\"}");
        if (answer.statusCode() == 200) {
            verify = json.readTree(answer.body());
            out.println("  " + (verify.get("passed").asBoolean() ? "passed" : "FAILED") + " ("
                    + verify.get("detail").asText() + "), snapshot " + verify.get("snapshot").asText());
            for (String line : verify.get("output").asText().lines().toList()) {
                if (line.contains("row=") || line.contains("shutdown=") || line.contains("result=")) {
                    out.println("    " + line.strip());
                }
            }
        } else {
            out.println("  FAILED: the agent answered " + answer.statusCode() + ": " + answer.body());
        }

        List<Boolean> results = new ArrayList<>();
        out.println();
        out.println("Backup checks:");
        results.add(expect(done, "the backup job finished (" + record.get("phase").asText()
                + (record.hasNonNull("failure") ? ": " + record.get("failure").asText() : "") + ")"));
        results.add(expect(downtime != null && resumedBefore(stack, record),
                "PostgreSQL was back before the upload finished (early resume; downtime "
                        + (downtime == null ? "unknown" : downtime + " ms") + ")"));
        JsonNode prepared = record.path("prepareHooks").path(0);
        results.add(expect(!prepared.isMissingNode() && prepared.path("failure").isNull(),
                "PostgreSQL's CHECKPOINT ran before the quiesce, while it served (lifeline.quiesce.prepare)"));
        String output = verify == null ? "" : verify.get("output").asText();
        results.add(expect(verify != null && verify.get("passed").asBoolean() && output.contains("row=" + ROWS),
                "the restored copy starts and holds all " + ROWS + " rows"));
        results.add(expect(output.contains("shutdown=clean"),
                "the restored copy was shut down cleanly (app-consistent, no crash recovery needed)"));
        return results.stream().allMatch(b -> b);
    }

    private void printTimeline(JsonNode record, JsonNode stack, Long downtime) {
        Timeline timeline = new Timeline();
        add(timeline, record.get("createdAt"), "backup job " + record.get("job").asText() + " created");
        for (JsonNode hook : record.path("prepareHooks")) {
            add(timeline, hook.get("startedAt"), STACK + ": prepare hook " + hook.get("program").asText() + " ("
                    + PREPARE_LABEL.substring(PREPARE_LABEL.lastIndexOf(' ') + 1) + ") while PostgreSQL serves, "
                    + hook.get("millis").asLong() + " ms" + (hook.hasNonNull("failure") ? ", FAILED: "
                    + hook.get("failure").asText() : ""));
        }
        for (JsonNode flush : record.path("flushes")) {
            add(timeline, flush.get("startedAt"), "flush of " + flush.get("filesystem").asText() + " (syncfs) while "
                    + "PostgreSQL serves, " + flush.get("millis").asLong() + " ms" + (flush.hasNonNull("failure")
                            ? ", FAILED: " + flush.get("failure").asText() : ""));
        }
        add(timeline, stack.get("quiesceStartedAt"), STACK + ": quiesce began (engine stop: PostgreSQL's fast, "
                + "clean shutdown)");
        add(timeline, stack.get("quiescedAt"), STACK + ": quiesced (stopped)");
        JsonNode phases = record.get("phases");
        add(timeline, phases.get("snapshotted"), "snapshot of the data taken (path " + record.get("path").asText()
                + ")");
        add(timeline, stack.get("resumedAt"), STACK + ": resumed, healthy again (downtime "
                + (downtime == null ? "unknown" : downtime + " ms") + ")");
        add(timeline, phases.get("uploading"), "every stack is back: the job is now only uploading (restic started right "
                + "after the snapshot)");
        long bytes = 0;
        List<String> snapshots = new ArrayList<>();
        for (JsonNode u : record.get("uploads")) {
            bytes += u.get("totalBytes").asLong();
            snapshots.add(u.get("snapshotId").asText());
        }
        add(timeline, phases.get("done"), String.format(Locale.ROOT, "uploaded %.1f MB (restic snapshot %s); "
                + "job done", bytes / 1e6, String.join(", ", snapshots)));
        add(timeline, phases.get("failed"), "job FAILED: " + record.path("failure").asText());
        out.println();
        out.println("Backup timeline (UTC):");
        out.print(timeline.render());
        for (JsonNode note : record.get("notes")) {
            out.println("  note: " + note.asText());
        }
    }

    private static boolean resumedBefore(JsonNode stack, JsonNode record) {
        JsonNode resumed = stack.get("resumedAt");
        JsonNode done = record.get("phases").get("done");
        return resumed != null && !resumed.isNull() && done != null && !done.isNull()
                && Instant.parse(resumed.asText()).isBefore(Instant.parse(done.asText()));
    }

    private static void add(Timeline timeline, JsonNode at, String what) {
        if (at != null && !at.isNull()) {
            timeline.add(Instant.parse(at.asText()), what);
        }
    }

    private JsonNode awaitJob(AgentProcess agent, String job) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            JsonNode record = json.readTree(agent.get("/backup/status?job=" + job));
            String phase = record.get("phase").asText();
            if (phase.equals("done") || phase.equals("failed")) {
                return record;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("backup job " + job + " did not end within 10 minutes");
    }

    private void awaitPostgres() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (engine.cliResult("exec", STACK, "pg_isready", "-q", "-h", SOCKET_DIR).ok()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within 60 s:\n"
                + engine.cliResult("logs", "--tail", "20", STACK).stderr());
    }

    private void psql(String sql) {
        ProcessResult r = engine.cliResult("exec", STACK, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", SOCKET_DIR, "-U", "postgres", "-c", sql);
        if (!r.ok()) {
            throw new IllegalStateException("psql " + sql + " failed: " + r.stderr().strip());
        }
    }

    private boolean expect(boolean ok, String what) {
        out.println("  " + (ok ? "ok    " : "FAILED") + " " + what);
        return ok;
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no reason given";
        }
        return s.strip().lines().findFirst().orElse(s);
    }

    /** Numbers the demo's steps: [n/total]. */
    static final class Step {
        private final PrintStream out;
        private final int total;
        private int n;

        Step(PrintStream out, int total) {
            this.out = out;
            this.total = total;
        }

        void next(String what) {
            out.println("[" + (++n) + "/" + total + "] " + what);
        }
    }
}
