package dev.lifeline.testkit.docker;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.PrivateEngine;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private Docker Engine for tests: a {@code dockerd} of its own (Debian's {@code docker.io}) with its data root,
 * exec root (which holds the {@code containerd} it starts), pid file, daemon config and unix socket in a fresh temp
 * dir. It leaves every other daemon alone: no default bridge and no iptables rules ({@code --bridge=none
 * --iptables=false}: the default bridge would be {@code docker0} and its NAT rules, which a second daemon cannot
 * share), so containers run with {@code --network none} or on a network a test creates; and it keeps containers
 * running while the daemon is away ({@code --live-restore}), as Podman's API service does. {@link #close()} removes
 * the containers, ends {@code dockerd}, the {@code containerd} and any {@code containerd-shim} it left, undoes its
 * mounts and deletes the dir. (dockerd creates the empty plugin folder {@code /run/docker/plugins} the first time.)
 *
 * <p>Fails (never skips) when Docker is not installed: run {@code scripts/setup-host}.
 */
public final class DockerDaemon extends PrivateEngine {
    /** A cold start is a few seconds; a busy 2-CPU machine makes it slower. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> DAEMONS = List.of("/usr/sbin/dockerd", "/usr/bin/dockerd");

    private final Path dockerd;

    private DockerDaemon(Path dir, Path dockerd) {
        super(EngineKind.DOCKER, START_TIMEOUT, dir, dir.resolve("docker.sock"), environment(dir));
        this.dockerd = dockerd;
    }

    /** Creates the daemon's dirs and starts it; waits until its socket answers. */
    public static DockerDaemon start() {
        Path dockerd = requireDocker();
        try {
            Path dir = Files.createTempDirectory("lifeline-docker-");
            // its own (empty) daemon config, so that the host's /etc/docker/daemon.json changes nothing here
            Files.writeString(dir.resolve("daemon.json"), "{}\n");
            Files.createDirectories(dir.resolve("cli"));
            DockerDaemon docker = new DockerDaemon(dir, dockerd);
            docker.startOrClose();
            return docker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the private Docker daemon's dir: " + e.getMessage(), e);
        }
    }

    /** The daemon binary; fails with instructions when Docker (or its client) is not installed. */
    public static Path requireDocker() {
        Path dockerd = DAEMONS.stream().map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseGet(() -> Processes.onPath("dockerd") ? Path.of("dockerd") : null);
        if (dockerd == null || !Processes.onPath("docker") || !Processes.onPath("docker-compose")) {
            throw new IllegalStateException("Docker is not installed (dockerd, docker and docker-compose are needed): "
                    + "run scripts/setup-host as root, which installs docker.io and docker-compose");
        }
        return dockerd;
    }

    /** The client's settings: this daemon's socket, and a config dir of its own (not ~/.docker). */
    private static Map<String, String> environment(Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"));
        env.put("DOCKER_CONFIG", dir.resolve("cli").toString());
        return env;
    }

    @Override
    protected List<String> serviceCommand() {
        Path dir = dir();
        return List.of(dockerd.toString(),
                "--config-file", dir.resolve("daemon.json").toString(),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--host", socketUri().toString(),
                "--pidfile", dir.resolve("docker.pid").toString(),
                "--bridge=none", "--iptables=false", "--ip-masq=false",
                "--live-restore",
                "--log-level", "warn");
    }

    /**
     * {@code docker import} takes only some Dockerfile instructions as changes (no {@code STOPSIGNAL}): the rootfs is
     * imported as it is, and the changes are applied by a one-line-per-change build on top of it (offline: the
     * {@code FROM} image is local).
     */
    @Override
    public void importImage(Path tar, String name, List<String> changes) {
        synchronized (DockerDaemon.class) {
            if (cliResult("image", "inspect", name).ok()) {
                return;
            }
            cli("import", tar.toString(), name);
            if (changes.isEmpty()) {
                return;
            }
            try {
                Path context = Files.createTempDirectory(dir(), "build-");
                Files.writeString(context.resolve("Dockerfile"), "FROM " + name + "\n" + String.join("\n", changes)
                        + "\n");
                Map<String, String> legacyBuilder = new HashMap<>(env());
                // the client's BuildKit needs the buildx plugin, which Debian's docker.io does not ship
                legacyBuilder.put("DOCKER_BUILDKIT", "0");
                Processes.run(List.of("docker", "build", "-q", "-t", name, context.toString()), legacyBuilder,
                        dir(), Duration.ofMinutes(5)).stdoutOrThrow();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the build context for " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Debian's docker-compose 1.29 (compose v1), through this daemon's {@code DOCKER_HOST}. */
    @Override
    public ProcessResult compose(Path projectDir, Path file, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", file.toString()));
        command.addAll(List.of(args));
        return exec(projectDir, command);
    }

    /** Docker has no {@code stop --all}: the running containers' ids, then one stop of them all. */
    @Override
    public void stopAll(Duration timeout) {
        List<String> running = cli("ps", "-q").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (running.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("stop", "-t", String.valueOf(timeout.toSeconds())));
        args.addAll(running);
        cli(args.toArray(String[]::new));
    }

    /**
     * The client needs the daemon: when a test left it stopped, it is started again first, since the containers it
     * keeps alive ({@code --live-restore}) would otherwise outlive their shims.
     */
    @Override
    public void removeAllContainers() {
        if (!answers()) {
            startService();
        }
        List<String> all = cli("ps", "-aq").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!all.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(all);
            cliResult(args.toArray(String[]::new));
        }
    }
}
