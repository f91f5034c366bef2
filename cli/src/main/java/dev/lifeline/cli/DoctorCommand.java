package dev.lifeline.cli;

import dev.lifeline.agent.engine.DockerEngine;
import dev.lifeline.agent.engine.EngineIdentity;
import dev.lifeline.agent.engine.EngineLocator;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = "Check the engine, the data dir, permissions and the agent; say what to fix.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--engine", paramLabel = "URI", description = "Engine endpoint to check (default: discover).")
    String engine;

    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() {
        line("ok", "java", Runtime.version().toString() + " at " + System.getProperty("java.home"));
        Path dir = dataDir.resolve();
        checkDataDir(dir);
        checkAgent(dir);
        checkEngine();
        System.out.println(failures.isEmpty() ? "all checks passed" : failures.size() + " check(s) failed");
        return failures.isEmpty() ? Main.OK : Main.FAILED;
    }

    private void checkDataDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            line("warn", "data dir", dir + " does not exist yet; 'lifeline agent' creates it (mode 0700)");
            return;
        }
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            if (!mode.endsWith("------")) {
                fail("data dir", dir + " has mode " + mode + "; run: chmod 700 " + dir);
            } else {
                line("ok", "data dir", dir + " (" + mode + ")");
            }
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < 256L * 1024 * 1024) {
                fail("disk", "only " + free / (1024 * 1024) + " MiB free under " + dir
                        + "; the journal needs room to record operations safely");
            } else {
                line("ok", "disk", free / (1024 * 1024 * 1024) + " GiB free under " + dir);
            }
            for (String secret : List.of("api.token", "journal.db")) {
                Path f = dir.resolve(secret);
                if (Files.exists(f)) {
                    String m = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    if (!m.equals("rw-------")) {
                        fail(secret, f + " has mode " + m + "; run: chmod 600 " + f);
                    } else {
                        line("ok", secret, f + " (rw-------)");
                    }
                }
            }
            if (!Files.isWritable(dir)) {
                fail("data dir", dir + " is not writable by this user; run the agent as its owner");
            }
        } catch (IOException e) {
            fail("data dir", "cannot inspect " + dir + ": " + e.getMessage());
        }
    }

    private void checkAgent(Path dir) {
        try {
            AgentClient client = AgentClient.forDataDir(dir);
            AgentClient.Reply ready = client.get("/health/ready");
            if (ready.ok()) {
                line("ok", "agent", "running and ready");
                checkBackupPaths(client);
            } else {
                line("warn", "agent", "running, not ready yet: " + ready.body().path("phase").asText()
                        + " " + ready.body().path("detail").asText());
            }
        } catch (AgentClient.AgentUnavailable e) {
            line("warn", "agent", e.getMessage());
        }
    }

    /** How a backup would read each data path now; a stop-mode fallback is worth knowing before the first backup. */
    private void checkBackupPaths(AgentClient client) {
        AgentClient.Reply reply = client.get("/backup/paths");
        if (!reply.ok()) {
            line("warn", "backup", "the agent could not list data paths: " + reply.body().path("error").asText());
            return;
        }
        for (com.fasterxml.jackson.databind.JsonNode p : reply.body().path("paths")) {
            String what = p.path("stack").asText() + " " + p.path("source").asText();
            if (p.path("provider").isTextual()) {
                line("ok", "backup", what + ": snapshot by " + p.path("provider").asText() + ", early resume");
            } else {
                line("warn", "backup", what + ": " + p.path("fallback").asText());
            }
        }
        try {
            Process restic = new ProcessBuilder("restic", "version").redirectErrorStream(true).start();
            String version = new String(restic.getInputStream().readAllBytes()).trim();
            if (restic.waitFor() == 0) {
                line("ok", "restic", version);
            } else {
                fail("restic", "'restic version' failed: " + version);
            }
        } catch (IOException e) {
            fail("restic", "restic is not installed (backups need it): apt-get install restic");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkEngine() {
        Optional<String> explicit = Optional.ofNullable(engine)
                .or(() -> Optional.ofNullable(System.getenv("LIFELINE_ENGINE")).filter(s -> !s.isBlank()));
        try {
            EngineLocator.Located located = new EngineLocator(System.getenv()).locate(explicit);
            try (DockerEngine docker = new DockerEngine(located.endpoint())) {
                EngineIdentity identity = docker.identity();
                line("ok", "engine", identity.kind().product() + " " + identity.version() + " at "
                        + located.endpoint() + " (from " + located.source() + ")");
                line("ok", "engine kind", identity.kind() + ", Docker Engine API " + identity.apiVersion() + ": "
                        + differences(identity.kind()));
                if (!docker.keepsContainersWhenItStops()) {
                    line("warn", "engine", "live-restore is off: a restart of dockerd stops every container, which "
                            + "Lifeline cannot tell from your own stops; add \"live-restore\": true to "
                            + "/etc/docker/daemon.json and reload dockerd");
                }
                for (ContainerInfo c : docker.listContainers()) {
                    String p = c.restartPolicy();
                    if (p.equals("always") || p.equals("unless-stopped") || p.equals("on-failure")) {
                        line("warn", "restart policy", c.name() + " has restart policy '" + p
                                + "', which fights Lifeline's supervision; prefer restart: \"no\"");
                    }
                }
            }
        } catch (EngineException e) {
            fail("engine", e.getMessage());
            if (!Processes.onPath("podman") && !Processes.onPath("dockerd")) {
                line("hint", "engine", "no container engine is installed here (neither podman nor dockerd is on "
                        + "PATH): podman is not installed; install it with 'apt-get install podman runc' (or Docker: "
                        + "'apt-get install docker.io'); from a Lifeline checkout, 'sudo scripts/setup-host' installs "
                        + "Podman, Docker and everything the demo and the tests use");
            }
        }
    }

    /** How Lifeline works with this kind of engine, where the two differ. */
    static String differences(EngineKind kind) {
        return switch (kind) {
            case DOCKER -> "the engine runs healthchecks itself; a stop from outside is read from the signal its kill "
                    + "event names (TERM, KILL, INT, QUIT, ...), else from the exit code";
            case PODMAN -> "Lifeline runs healthchecks through Podman's API (no systemd timers needed); a stop from "
                    + "outside is read from the exit code (Podman's events name no signal)";
        };
    }

    private void fail(String what, String detail) {
        failures.add(what);
        line("FAIL", what, detail);
    }

    private static void line(String status, String what, String detail) {
        System.out.printf("%-5s %-15s %s%n", status, what, detail);
    }
}
