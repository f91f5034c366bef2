package dev.lifeline.testkit.engine;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.podman.BusyboxImage;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the private engines share: a temp dir with the API service's socket and log, the CLI run with the engine's
 * environment, the busybox image, containers and networks made the same way on both, and the end of it all.
 */
public abstract class PrivateEngine implements TestEngine {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);

    private final EngineKind kind;
    private final Duration startTimeout;
    private final Path dir;
    private final Path socket;
    private final Path serviceLog;
    private final Map<String, String> env;
    private Process service;
    private boolean busyboxImported;

    /**
     * @param kind         which engine; its CLI program has the kind's name ({@code podman}, {@code docker})
     * @param startTimeout how long the API service may take to answer after its start
     */
    protected PrivateEngine(EngineKind kind, Duration startTimeout, Path dir, Path socket, Map<String, String> env) {
        this.kind = kind;
        this.startTimeout = startTimeout;
        this.dir = dir;
        this.socket = socket;
        this.serviceLog = dir.resolve("service.log");
        this.env = Map.copyOf(env);
    }

    /** The API service's command line. */
    protected abstract List<String> serviceCommand();

    @Override
    public EngineKind kind() {
        return kind;
    }

    @Override
    public URI socketUri() {
        return URI.create("unix://" + socket);
    }

    @Override
    public Path socketPath() {
        return socket;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public String cli(String... args) {
        return cliResult(args).stdoutOrThrow();
    }

    @Override
    public ProcessResult cliResult(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(kind.id());
        command.addAll(List.of(args));
        return Processes.run(command, env, dir, CLI_TIMEOUT);
    }

    @Override
    public ProcessResult exec(Path workDir, List<String> command) {
        return Processes.run(command, env, workDir, CLI_TIMEOUT);
    }

    @Override
    public synchronized String busyboxImage() {
        if (!busyboxImported) {
            importImage(BusyboxImage.tar(), BusyboxImage.NAME, List.of());
            busyboxImported = true;
        }
        return BusyboxImage.NAME;
    }

    @Override
    public String runContainer(String name, Map<String, String> labels, String... cmd) {
        return runContainer(name, labels, List.of(), cmd);
    }

    @Override
    public String runContainer(String name, Map<String, String> labels, List<String> runOptions, String... cmd) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none"));
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.addAll(runOptions);
        args.add(busyboxImage());
        args.addAll(cmd.length == 0 ? IDLE_COMMAND : List.of(cmd));
        return cli(args.toArray(String[]::new)).strip();
    }

    @Override
    public String createNetwork(String name) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String subnet = "10." + r.nextInt(100, 200) + "." + r.nextInt(0, 256) + ".0/24";
        cli("network", "create", "--internal", "--subnet", subnet, name);
        return name;
    }

    @Override
    public synchronized long servicePid() {
        return service != null && service.isAlive() ? service.pid() : -1;
    }

    @Override
    public synchronized void startService() {
        if (service != null && service.isAlive()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(serviceCommand());
        builder.environment().putAll(env);
        builder.directory(dir.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(serviceLog.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            service = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", serviceCommand()) + ": "
                    + e.getMessage(), e);
        }
        if (!EngineDirs.awaitAnswer(socket, service, startTimeout)) {
            String state = service.isAlive() ? "did not answer within " + startTimeout.toSeconds() + "s"
                    : "exited with " + service.exitValue() + " before answering";
            stopService();
            throw new IllegalStateException(kind.product() + " API service " + state + " on " + socketUri()
                    + "; its log:\n" + EngineDirs.readLog(serviceLog));
        }
    }

    @Override
    public synchronized void stopService() {
        if (service == null) {
            return;
        }
        Process p = service;
        service = null;
        EngineDirs.end(p, Duration.ofSeconds(30));
    }

    @Override
    public synchronized boolean serviceRunning() {
        return service != null && service.isAlive();
    }

    @Override
    public boolean answers() {
        return EngineDirs.answers(socket);
    }

    /** Starts the service of a fresh engine; on failure removes what was made and rethrows. */
    protected final void startOrClose() {
        try {
            startService();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        try {
            removeAllContainers();
        } catch (RuntimeException e) {
            // best effort: the dir is deleted below anyway
        }
        stopService();
        EngineDirs.remove(dir);
    }

    @Override
    public String toString() {
        return kind + " at " + socketUri();
    }
}
