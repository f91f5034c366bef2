package dev.lifeline.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeline.testkit.btrfs.BtrfsLoop;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * A test host for backups: a {@link Host} plus a btrfs filesystem on a loop device for data, a real restic repository
 * and password file, and restic run through a gate the test opens, so it can look at the host while the upload is
 * held (early resume, the max-quiesce bound) or make the upload fail.
 */
final class BackupHost implements AutoCloseable {
    static final Duration JOB = Duration.ofSeconds(120);
    final Host host;
    final BtrfsLoop btrfs;
    final Path repository;
    final Path passwordFile;
    final Path gate;
    final String password;
    private final Path dir;

    private BackupHost(Path dir, Host host, BtrfsLoop btrfs, Path repository, Path passwordFile, Path gate,
            String password) {
        this.dir = dir;
        this.host = host;
        this.btrfs = btrfs;
        this.repository = repository;
        this.passwordFile = passwordFile;
        this.gate = gate;
        this.password = password;
    }

    /** {@code extraBackupConfig}: more lines under {@code backup:}, each indented two spaces. */
    static BackupHost create(TestEngine engine, String extraBackupConfig) {
        try {
            Path dir = Files.createTempDirectory("lifeline-backup-e2e-");
            Path gate = dir.resolve("gate");
            Files.createDirectories(gate);
            Files.createFile(gate.resolve("open"));
            Path wrapper = dir.resolve("restic-gated");
            // The gate holds `restic backup` (and only that) until the test opens it; `fail` makes it fail.
            Files.writeString(wrapper, """
                    #!/bin/sh
                    for a in "$@"; do
                      if [ "$a" = backup ]; then
                        touch GATE/waiting
                        while [ ! -e GATE/open ]; do sleep 0.05; done
                        if [ -e GATE/fail ]; then echo "injected upload failure" >&2; exit 1; fi
                        break
                      fi
                    done
                    exec restic "$@"
                    """.replace("GATE", gate.toString()));
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            String password = "pw-" + java.util.UUID.randomUUID();
            Path passwordFile = dir.resolve("restic.pw");
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n");
            Path repository = dir.resolve("repo");
            Host host = new Host(engine, "recovery:\n  settle-time: 300ms\nbackup:\n  repository: " + repository
                    + "\n  password-file: " + passwordFile + "\n  restic-binary: " + wrapper
                    + "\n  staging-budget: 0\n" + extraBackupConfig);
            return new BackupHost(dir, host, BtrfsLoop.create(), repository, passwordFile, gate, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A btrfs subvolume holding {@code files}. */
    Path btrfsData(String name, Map<String, String> files) {
        Path dir = btrfs.subvolume(name);
        write(dir, files);
        return dir;
    }

    /** A plain directory (the temp dir's filesystem: no snapshots) holding {@code files}. */
    Path plainData(String name, Map<String, String> files) {
        Path dir = host.dir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(dir, files);
        return dir;
    }

    static void write(Path dir, Map<String, String> files) {
        files.forEach((name, content) -> {
            try {
                Files.writeString(dir.resolve(name), content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Creates and starts a container of stack {@code stack} that mounts {@code data} at /data. */
    void run(String name, String stack, Path data, Map<String, String> labels) {
        run(name, stack, data, labels, List.of());
    }

    /** The same, with more {@code create} options (e.g. {@code -v FILE:/etc/app.conf}). */
    void run(String name, String stack, Path data, Map<String, String> labels, List<String> options) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put("lifeline.stack", stack);
        List<String> allOptions = new java.util.ArrayList<>(List.of("-v", data + ":/data"));
        allOptions.addAll(options);
        host.create(name, all, allOptions, TestEngine.IDLE_COMMAND);
        host.start(name);
    }

    void holdUploads() {
        delete(gate.resolve("open"));
        delete(gate.resolve("waiting"));
    }

    void releaseUploads() {
        touch(gate.resolve("open"));
    }

    void failUploads() {
        touch(gate.resolve("fail"));
    }

    /** Waits until restic's upload waits at the gate; fails with the job records if a new job ends first. */
    void awaitUploadHeld(AgentProcess agent) {
        Set<String> endedBefore = endedJobs(agent.get("/backup/jobs"));
        Host.await(JOB, "restic's upload waits at the gate", () -> {
            if (Files.exists(gate.resolve("waiting"))) {
                return true;
            }
            String jobs = agent.get("/backup/jobs");
            if (!endedBefore.containsAll(endedJobs(jobs))) {
                throw new AssertionError("a job ended before its upload reached the gate: " + jobs);
            }
            return false;
        });
    }

    private static Set<String> endedJobs(String jobsJson) {
        Set<String> ended = new HashSet<>();
        Host.json(jobsJson).get("jobs").forEach(j -> {
            if (List.of("done", "failed").contains(j.get("phase").asText())) {
                ended.add(j.get("job").asText());
            }
        });
        return ended;
    }

    static JsonNode startBackup(AgentProcess agent, String... stacks) {
        HttpResponse<String> r = agent.post("/backup", "{\"stacks\":" + stacksJson(stacks) + "}");
        if (r.statusCode() != 202) {
            throw new AssertionError("backup not started: " + r.statusCode() + " " + r.body());
        }
        return Host.json(r.body());
    }

    static String stacksJson(String... stacks) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < stacks.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(stacks[i]).append('"');
        }
        return b.append(']').toString();
    }

    static JsonNode status(AgentProcess agent, String job) {
        return Host.json(agent.get("/backup/status?job=" + job));
    }

    static JsonNode awaitPhase(AgentProcess agent, String job, String... phases) {
        List<String> wanted = List.of(phases);
        JsonNode[] last = new JsonNode[1];
        Host.await(JOB, "job " + job + " reaches " + wanted, () -> {
            last[0] = status(agent, job);
            return wanted.contains(last[0].get("phase").asText());
        });
        return last[0];
    }

    static JsonNode stack(JsonNode job, String stack) {
        for (JsonNode s : job.get("stacks")) {
            if (s.get("stack").asText().equals(stack)) {
                return s;
            }
        }
        throw new AssertionError("job has no stack " + stack + ": " + job);
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void touch(Path p) {
        try {
            if (!Files.exists(p)) {
                Files.createFile(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        host.close();
        btrfs.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp dir is not worth failing a test for
        }
    }
}
