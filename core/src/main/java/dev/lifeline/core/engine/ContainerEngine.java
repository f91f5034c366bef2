package dev.lifeline.core.engine;

import dev.lifeline.core.model.ContainerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Port to the container engine (Docker or Podman through the Docker Engine API).
 * Every method throws {@link EngineException} when the engine cannot be reached or refuses.
 */
public interface ContainerEngine extends AutoCloseable {

    /** Human description of the engine and the endpoint, for logs and {@code doctor}. */
    String describe();

    /** Fails with {@link EngineException} when the engine is not reachable. */
    void ping();

    /** All containers, running or not, inspected (health, timestamps, exit code, restart policy). */
    List<ContainerInfo> listContainers();

    /**
     * Every container, with only what deciding about it needs: running containers may come without their health,
     * start time and restart policy (none, empty, ""), stopped ones with their exit code and finish time. Cheaper than
     * {@link #listContainers} on engines where that inspects each container; recovery plans from this.
     */
    default List<ContainerInfo> listContainerStates() {
        return listContainers();
    }

    Optional<ContainerInfo> inspect(String idOrName);

    /** Starts a container; starting a running container is a no-op. */
    void start(String id);

    /** Stops a container cleanly (SIGTERM, then SIGKILL after the timeout); stopping a stopped one is a no-op. */
    void stop(String id, Duration timeout);

    /**
     * Removes a stopped container, never its volumes (named or anonymous) or bind-mounted data; a container already
     * gone is a no-op. A running container is refused: stop it first.
     */
    void remove(String id);

    /** Freezes every process of a running container (cgroup freezer); pausing a paused container is a no-op. */
    void pause(String id);

    /** Thaws a paused container; unpausing a container that is not paused is a no-op. */
    void unpause(String id);

    /**
     * Runs a command inside a running container and waits for it, at most {@code timeout}. The command is an
     * argument list, never a shell string.
     */
    ExecResult exec(String id, List<String> argv, Duration timeout);

    /** The host paths holding the container's data: bind-mount sources and named volumes' mountpoints. */
    List<DataMount> dataMounts(String id);

    /**
     * Creates a container from {@code spec}, runs it to its end (at most the spec's timeout, then kills it), returns
     * its exit code and output, and removes it on every path (success, failure, timeout, interrupt).
     */
    ExecResult runScratch(ScratchContainer spec);

    /**
     * Asks the engine to run the container's healthcheck now and says how it went. Engines that schedule
     * healthchecks themselves need nothing and answer {@link HealthProbe#NOT_RUN} (the default); Podman without
     * systemd never runs them on its own.
     */
    default HealthProbe runHealthcheck(String id) {
        return HealthProbe.NOT_RUN;
    }

    /** Streams container events until the subscription is closed; errors (engine gone) end the stream. */
    EventSubscription subscribe(EngineEventListener listener);

    @Override
    void close();
}
