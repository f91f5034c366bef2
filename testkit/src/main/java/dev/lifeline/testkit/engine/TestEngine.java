package dev.lifeline.testkit.engine;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.docker.DockerDaemon;
import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.podman.ProcessResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A private, real container engine for tests, whichever it is: its own storage, socket and processes in a fresh temp
 * dir, the locally built images, its own CLI and compose client; nothing of the host's own engine is touched, and
 * {@link #close()} removes everything. Tests take the engine as a parameter ({@link EngineKind}) and start it with
 * {@link #start(EngineKind)}; what differs between the engines stays behind these methods.
 */
public interface TestEngine extends AutoCloseable {
    /**
     * A container command that exits 143 right away on SIGTERM (busybox {@code sleep} as PID 1 ignores it) and costs
     * nothing while it idles: one sleeping child, no polling loop (50 polling containers kept a 2-CPU host busy).
     */
    List<String> IDLE_COMMAND = List.of("sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait");

    /** Starts a private engine of this kind; fails (never skips) when it is not installed: run scripts/setup-host. */
    static TestEngine start(EngineKind kind) {
        return switch (kind) {
            case PODMAN -> PodmanService.start();
            case DOCKER -> DockerDaemon.start();
        };
    }

    EngineKind kind();

    /** The engine's API socket, {@code unix:///...}. */
    URI socketUri();

    Path socketPath();

    /** The temp dir holding the engine's storage, socket and logs. */
    Path dir();

    /** The environment that points the engine's CLI and compose client at this engine. */
    Map<String, String> env();

    /** Runs the engine's CLI ({@code podman}, {@code docker}) against it; stdout, or throws with stderr. */
    String cli(String... args);

    /** Runs the engine's CLI against it; the result whatever the exit code. */
    ProcessResult cliResult(String... args);

    /** Runs any program with this engine's environment. */
    ProcessResult exec(Path workDir, List<String> command);

    /**
     * Runs the engine's compose client ({@code podman-compose}, Debian's 1.0.3; {@code docker-compose}, Debian's
     * 1.29, compose v1) on {@code file} in {@code projectDir}: {@code compose(dir, file, "up", "-d")}. Neither writes
     * the {@code com.docker.compose.depends_on} label (compose v2 does).
     */
    ProcessResult compose(Path projectDir, Path file, String... args);

    /** Imports an image tarball (a root filesystem) as {@code name} unless it is there, with Dockerfile-style changes. */
    void importImage(Path tar, String name, List<String> changes);

    /** The locally built busybox image, imported once; its name. */
    String busyboxImage();

    /** Runs a detached busybox container without network; its id. With no command it idles ({@link #IDLE_COMMAND}). */
    String runContainer(String name, Map<String, String> labels, String... cmd);

    /** As {@link #runContainer(String, Map, String...)} with more {@code run} options before the image. */
    String runContainer(String name, Map<String, String> labels, List<String> runOptions, String... cmd);

    /**
     * An internal bridge network with a random subnet (concurrent engines on one host would otherwise pick the same
     * one); compose projects use it as their external default network.
     */
    String createNetwork(String name);

    /** Removes every container, running or not, at once. */
    void removeAllContainers();

    /** Stops every running container, as a host going down does ({@code stop} with this timeout). */
    void stopAll(Duration timeout);

    /** Ends the API service (the socket stops answering); containers keep running. */
    void stopService();

    /** Starts the API service again and waits until it answers. */
    void startService();

    boolean serviceRunning();

    /** The API service's process id (for benchmarks that read its CPU time); -1 when it is not running. */
    long servicePid();

    /** True when the socket answers a ping. */
    boolean answers();

    /** Removes every container and image, ends every process the engine started, deletes its dir. */
    @Override
    void close();
}
