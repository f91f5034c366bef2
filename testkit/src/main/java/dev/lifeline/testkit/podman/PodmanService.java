package dev.lifeline.testkit.podman;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.PrivateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A private Podman API service for tests: its own storage (graphroot, runroot, tmp dir, network config) in a fresh
 * temp dir, its own unix socket, and the project's {@code config/containers.conf} settings. Nothing it creates is
 * visible to the host's default Podman, and {@link #close()} removes everything.
 *
 * <p>Fails (never skips) when podman is not installed: run {@code scripts/setup-host}.
 */
public final class PodmanService extends PrivateEngine {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private PodmanService(Path dir, Map<String, String> env) {
        super(EngineKind.PODMAN, START_TIMEOUT, dir, dir.resolve("podman.sock"), env);
    }

    /** Creates the isolated storage and starts the API service; waits until the socket answers. */
    public static PodmanService start() {
        requirePodman();
        Path repoConf = findRepoRoot().resolve("config/containers.conf");
        try {
            Path dir = Files.createTempDirectory("lifeline-podman-");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CONTAINERS_STORAGE_CONF", writeStorageConf(dir).toString());
            env.put("CONTAINERS_CONF", writeContainersConf(dir, repoConf).toString());
            PodmanService podman = new PodmanService(dir, env);
            podman.startOrClose();
            return podman;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the podman test storage: " + e.getMessage(), e);
        }
    }

    /** Fails with instructions when podman is not installed. */
    public static void requirePodman() {
        if (!Processes.onPath("podman")) {
            throw new IllegalStateException("podman is not installed (not on PATH): run scripts/setup-host as root "
                    + "to install podman, runc, podman-compose, busybox-static, btrfs-progs and restic");
        }
    }

    /**
     * The directory holding the repo ({@code config/containers.conf} and {@code mvnw}): {@code $LIFELINE_HOME} (set by
     * the {@code ./lifeline} launcher), else the working dir or one above it.
     */
    public static Path findRepoRoot() {
        String home = System.getenv("LIFELINE_HOME");
        if (home != null && Files.isRegularFile(Path.of(home, "config/containers.conf"))) {
            return Path.of(home);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/containers.conf")) && Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a dir with config/containers.conf and mvnw) "
                + "above " + start);
    }

    @Override
    protected List<String> serviceCommand() {
        return List.of("podman", "system", "service", "--time=0", socketUri().toString());
    }

    /** Runs the podman CLI against this storage; returns stdout, throws with stderr on a non-zero exit. */
    public String podman(String... args) {
        return cli(args);
    }

    /** Runs the podman CLI against this storage and returns the result whatever the exit code. */
    public ProcessResult podmanResult(String... args) {
        return cliResult(args);
    }

    @Override
    public void importImage(Path tar, String name, List<String> changes) {
        synchronized (PodmanService.class) {
            if (cliResult("image", "exists", name).ok()) {
                return;
            }
            List<String> args = new ArrayList<>(List.of("import", "--quiet"));
            for (String change : changes) {
                args.add("--change");
                args.add(change);
            }
            args.add(tar.toString());
            args.add(name);
            cli(args.toArray(String[]::new));
        }
    }

    /** podman-compose 1.0.3 always attaches a network: use {@link #createNetwork} as the external default. */
    @Override
    public ProcessResult compose(Path projectDir, Path file, String... args) {
        List<String> command = new ArrayList<>(List.of("podman-compose", "-f", file.toString()));
        command.addAll(List.of(args));
        return exec(projectDir, command);
    }

    @Override
    public void stopAll(Duration timeout) {
        cli("stop", "-a", "-t", String.valueOf(timeout.toSeconds()));
    }

    @Override
    public void removeAllContainers() {
        cliResult("rm", "-af", "-t", "0");
    }

    @Override
    public synchronized void close() {
        cliResult("system", "reset", "-f");
        super.close();
    }

    private static Path writeStorageConf(Path dir) throws IOException {
        Path conf = dir.resolve("storage.conf");
        Files.writeString(conf, """
                [storage]
                driver = "overlay"
                graphroot = "%s"
                runroot = "%s"
                """.formatted(dir.resolve("graph"), dir.resolve("run")));
        return conf;
    }

    /**
     * The repo's containers.conf plus per-instance {@code tmp_dir} (events log, exit files) and
     * {@code network_config_dir}, which Podman otherwise shares between all storages on the host.
     */
    private static Path writeContainersConf(Path dir, Path repoConf) throws IOException {
        List<String> out = new ArrayList<>();
        boolean engineSeen = false;
        boolean networkSeen = false;
        String tmpLine = "tmp_dir = \"" + dir.resolve("tmp") + "\"";
        String netLine = "network_config_dir = \"" + dir.resolve("networks") + "\"";
        for (String line : Files.readAllLines(repoConf)) {
            out.add(line);
            String section = line.strip();
            if (section.equals("[engine]")) {
                out.add(tmpLine);
                engineSeen = true;
            } else if (section.equals("[network]")) {
                out.add(netLine);
                networkSeen = true;
            }
        }
        if (!engineSeen) {
            out.addAll(List.of("", "[engine]", tmpLine));
        }
        if (!networkSeen) {
            out.addAll(List.of("", "[network]", netLine));
        }
        Path conf = dir.resolve("containers.conf");
        Files.write(conf, out);
        return conf;
    }
}
