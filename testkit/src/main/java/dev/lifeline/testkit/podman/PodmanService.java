package dev.lifeline.testkit.podman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private Podman API service for tests: its own storage (graphroot, runroot, tmp dir, network config) in a fresh
 * temp dir, its own unix socket, and the project's {@code config/containers.conf} settings. Nothing it creates is
 * visible to the host's default Podman, and {@link #close()} removes everything.
 *
 * <p>Fails (never skips) when podman is not installed: run {@code scripts/setup-host}.
 */
public final class PodmanService implements AutoCloseable {
    /**
     * A container command that exits 143 right away on SIGTERM (busybox {@code sleep} as PID 1 ignores it) and costs
     * nothing while it idles: one sleeping child, no polling loop (50 polling containers kept a 2-CPU host busy).
     */
    public static final List<String> IDLE_COMMAND =
            List.of("sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Path socket;
    private final Path serviceLog;
    private final Map<String, String> env;
    private Process service;
    private boolean imageImported;

    private PodmanService(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.socket = dir.resolve("podman.sock");
        this.serviceLog = dir.resolve("service.log");
        this.env = Map.copyOf(env);
    }

    /** Creates the isolated storage and starts the API service; waits until the socket answers. */
    public static PodmanService start() {
        requirePodman();
        Path repoConf = findRepoRoot().resolve("config/containers.conf");
        Path dir;
        try {
            dir = Files.createTempDirectory("lifeline-podman-");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CONTAINERS_STORAGE_CONF", writeStorageConf(dir).toString());
            env.put("CONTAINERS_CONF", writeContainersConf(dir, repoConf).toString());
            PodmanService podman = new PodmanService(dir, env);
            try {
                podman.startService();
            } catch (RuntimeException e) {
                podman.close();
                throw e;
            }
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

    public URI socketUri() {
        return URI.create("unix://" + socket);
    }

    public Path socketPath() {
        return socket;
    }

    /** The temp dir holding this service's storage and socket. */
    public Path dir() {
        return dir;
    }

    /** The environment that points podman CLI tools (podman, podman-compose) at this storage. */
    public Map<String, String> env() {
        return env;
    }

    /** Runs the podman CLI against this storage; returns stdout, throws with stderr on a non-zero exit. */
    public String podman(String... args) {
        return podmanResult(args).stdoutOrThrow();
    }

    /** Runs the podman CLI against this storage and returns the result whatever the exit code. */
    public ProcessResult podmanResult(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("podman");
        command.addAll(List.of(args));
        return Processes.run(command, env, dir, CLI_TIMEOUT);
    }

    /** Runs any program (e.g. podman-compose) with this storage's environment. */
    public ProcessResult exec(Path workDir, List<String> command) {
        return Processes.run(command, env, workDir, CLI_TIMEOUT);
    }

    /** Imports the busybox image into this storage (once) and returns its name. */
    public synchronized String busyboxImage() {
        if (!imageImported) {
            if (!podmanResult("image", "exists", BusyboxImage.NAME).ok()) {
                podman("import", "--quiet", BusyboxImage.tar().toString(), BusyboxImage.NAME);
            }
            imageImported = true;
        }
        return BusyboxImage.NAME;
    }

    /**
     * Runs a detached busybox container without network; returns its id. With no command, it idles and stops
     * promptly on SIGTERM (exit 143).
     */
    public String runContainer(String name, Map<String, String> labels, String... cmd) {
        return runContainer(name, labels, List.of(), cmd);
    }

    /** As {@link #runContainer(String, Map, String...)} with extra {@code podman run} options before the image. */
    public String runContainer(String name, Map<String, String> labels, List<String> runOptions, String... cmd) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none"));
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.addAll(runOptions);
        args.add(busyboxImage());
        args.addAll(cmd.length == 0 ? IDLE_COMMAND : List.of(cmd));
        return podman(args.toArray(String[]::new)).strip();
    }

    /**
     * Creates an internal bridge network with a random subnet, so that concurrent test runs on one host (each with
     * its own network config dir) do not all pick 10.89.0.0/24 (Podman picks a free bridge name by looking at the
     * host's interfaces). Compose tests use it as an external default network: podman-compose 1.0.3 always attaches
     * a network, even with network_mode.
     */
    public String createNetwork(String name) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        String subnet = "10." + r.nextInt(100, 200) + "." + r.nextInt(0, 256) + ".0/24";
        podman("network", "create", "--internal", "--subnet", subnet, name);
        return name;
    }

    /** The API service's process id (for benchmarks that read its CPU time); -1 when it is not running. */
    public synchronized long servicePid() {
        return service != null && service.isAlive() ? service.pid() : -1;
    }

    /** Starts the API service on the socket (again) and waits until it answers. */
    public synchronized void startService() {
        if (service != null && service.isAlive()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time=0", socketUri().toString());
        builder.environment().putAll(env);
        builder.directory(dir.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(serviceLog.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            service = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start podman system service: " + e.getMessage(), e);
        }
        awaitAnswer();
    }

    /** Kills the API service (the socket stops answering); containers keep running. */
    public synchronized void stopService() {
        if (service == null) {
            return;
        }
        Process p = service;
        service = null;
        p.destroy();
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    public synchronized boolean serviceRunning() {
        return service != null && service.isAlive();
    }

    /** True when the socket answers {@code GET /_ping} with 200. */
    public boolean answers() {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(256);
            channel.read(buf);
            String head = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            return head.startsWith("HTTP/1.") && head.contains(" 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitAnswer() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers()) {
                return;
            }
            if (service != null && !service.isAlive()) {
                throw new IllegalStateException("podman system service exited with " + service.exitValue()
                        + " before answering on " + socketUri() + "; its log:\n" + readLog());
            }
            sleep(50);
        }
        stopService();
        throw new IllegalStateException("podman system service did not answer on " + socketUri() + " within "
                + START_TIMEOUT.toSeconds() + "s; its log:\n" + readLog());
    }

    private String readLog() {
        try {
            return Files.exists(serviceLog) ? Files.readString(serviceLog) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Removes every container, stops the service, unmounts leftovers and deletes the temp dir. */
    @Override
    public synchronized void close() {
        try {
            podmanResult("rm", "-af", "-t", "0");
            podmanResult("system", "reset", "-f");
        } catch (RuntimeException e) {
            // best effort: the dir is deleted below anyway
        }
        stopService();
        endStrays(dir);
        unmountUnder(dir);
        deleteTree(dir);
    }

    /**
     * Kills what this service left running: processes whose command line names its dir, such as the {@code conmon}
     * of an exec session whose container a test removed while the exec was still attached (the removal does not end
     * it, and with the service gone nothing else will). Returns how many were killed.
     */
    static int endStrays(Path root) {
        String marker = root.toString() + "/";
        long self = ProcessHandle.current().pid();
        int killed = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            if (p.pid() == self) {
                continue;
            }
            String cmdline;
            try {
                cmdline = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException | RuntimeException gone) {
                continue;
            }
            if (cmdline.contains(marker) && p.destroyForcibly()) {
                killed++;
            }
        }
        return killed;
    }

    private static void unmountUnder(Path root) {
        List<String> mounts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            lines.map(line -> line.split(" ")).filter(f -> f.length > 4)
                    .map(f -> f[4].replace("\\040", " "))
                    .filter(mp -> mp.startsWith(root.toString() + "/"))
                    .forEach(mounts::add);
        } catch (IOException e) {
            return;
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mp : mounts) {
            Processes.run(List.of("umount", "-l", mp), Map.of(), null, Duration.ofSeconds(10));
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leftover files in /tmp are harmless; keep deleting the rest
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // same
        }
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
