package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lifeline.core.engine.EngineEvent;
import dev.lifeline.core.engine.EngineEventListener;
import dev.lifeline.core.engine.EngineException;
import dev.lifeline.core.engine.EventSubscription;
import dev.lifeline.core.engine.HealthProbe;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.testkit.podman.PodmanService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DockerEngine against a real, private Podman API service. */
class DockerEngineTest {
    private static PodmanService podman;
    private static DockerEngine engine;

    @BeforeAll
    static void startPodman() {
        podman = PodmanService.start();
        podman.busyboxImage();
        engine = new DockerEngine(podman.socketUri());
    }

    @AfterAll
    static void stopPodman() {
        if (engine != null) {
            engine.close();
        }
        if (podman != null) {
            podman.close();
        }
    }

    private static ContainerInfo listed(String name) {
        return engine.listContainers().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("container " + name + " not listed"));
    }

    @Test
    void describeNamesPodmanVersionApiAndEndpoint() {
        assertThat(engine.describe())
                .startsWith("podman 4.")
                .contains("(API 1.")
                .endsWith(" at " + podman.socketUri());
        engine.ping();
        // the ping's headers say the same as the (slow) version request
        assertThat(engine.identify()).isEqualTo(engine.describe());
        DockerEngine unreachable = new DockerEngine(java.net.URI.create("unix:///nonexistent/lifeline-test.sock"));
        org.assertj.core.api.Assertions.assertThatThrownBy(unreachable::identify)
                .isInstanceOf(dev.lifeline.core.engine.EngineException.class)
                .hasMessageContaining("unreachable");
        unreachable.close();
    }

    @Test
    void listInspectsLabelsStatusTimestampsAndExitCode() {
        Instant before = Instant.now().minusSeconds(2);
        String runningId = podman.runContainer("list-running", Map.of("lifeline.stack", "web", "tier", "2"));
        String exitedId = podman.runContainer("list-exited", Map.of(), "sh", "-c", "exit 3");
        podman.podman("create", "--name", "list-created", "--network", "none", "--restart", "on-failure:3",
                podman.busyboxImage(), "true");
        await().atMost(Duration.ofSeconds(10)).until(() -> listed("list-exited").status() == ContainerStatus.EXITED);

        ContainerInfo running = listed("list-running");
        assertThat(running.id()).isEqualTo(runningId);
        assertThat(running.image()).contains("lifeline-busybox");
        assertThat(running.labels()).containsEntry("lifeline.stack", "web").containsEntry("tier", "2");
        assertThat(running.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(running.health()).isEqualTo(Health.NONE);
        assertThat(running.startedAt()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
        assertThat(running.finishedAt()).isEmpty();

        ContainerInfo exited = listed("list-exited");
        assertThat(exited.id()).isEqualTo(exitedId);
        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.oomKilled()).isFalse();
        // Podman records the start after the process begins: for a process that exits at once, FinishedAt can
        // precede StartedAt by a few milliseconds (seen: 3 ms). Both must be real timestamps close together.
        assertThat(exited.finishedAt()).hasValueSatisfying(f ->
                assertThat(f).isAfterOrEqualTo(exited.startedAt().orElseThrow().minusSeconds(1)));

        ContainerInfo created = listed("list-created");
        assertThat(created.status()).isEqualTo(ContainerStatus.CREATED);
        assertThat(created.startedAt()).isEmpty();
        assertThat(created.finishedAt()).isEmpty();
        assertThat(created.restartPolicy()).isEqualTo("on-failure");

        assertThat(engine.inspect("list-running")).contains(running);
        assertThat(engine.inspect("no-such-container")).isEmpty();
    }

    @Test
    void startAndStopAreIdempotent() {
        String id = podman.runContainer("idem", Map.of());
        engine.start(id); // already running: 304, no-op
        assertThat(engine.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.RUNNING);

        engine.stop(id, Duration.ofSeconds(5));
        ContainerInfo stopped = engine.inspect(id).orElseThrow();
        assertThat(stopped.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(stopped.exitCode()).isEqualTo(143);
        engine.stop(id, Duration.ofSeconds(5)); // already stopped: no-op

        engine.start(id);
        assertThat(engine.inspect(id).orElseThrow().status()).isEqualTo(ContainerStatus.RUNNING);
        engine.stop(id, Duration.ofSeconds(5));
    }

    @Test
    void stopWaitsForTheTimeoutThenKills() {
        String id = podman.runContainer("stubborn", Map.of(), "sh", "-c", "trap '' TERM; while true; do sleep 0.2; done");
        long start = System.nanoTime();
        engine.stop(id, Duration.ofSeconds(2));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isBetween(Duration.ofMillis(1800), Duration.ofSeconds(10));
        ContainerInfo info = engine.inspect(id).orElseThrow();
        assertThat(info.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(info.exitCode()).isEqualTo(137);
    }

    @Test
    void cleanStopDoesNotWaitForTheTimeout() {
        String id = podman.runContainer("prompt", Map.of());
        long start = System.nanoTime();
        engine.stop(id, Duration.ofSeconds(20));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void operationsOnMissingContainersAreRefusalsNamingContainerAndEndpoint() {
        assertThatThrownBy(() -> engine.start("ghost-container"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isFalse())
                .hasMessageContaining("ghost-container")
                .hasMessageContaining(podman.socketUri().toString())
                .hasMessageContaining("404");
        assertThatThrownBy(() -> engine.stop("ghost-container", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.isUnreachable()).isFalse());
    }

    @Test
    void dyingContainerProducesDieEventWithExitCode() {
        List<EngineEvent> events = new CopyOnWriteArrayList<>();
        List<Throwable> ended = new CopyOnWriteArrayList<>();
        try (EventSubscription ignored = engine.subscribe(new EngineEventListener() {
            @Override
            public void onEvent(EngineEvent event) {
                events.add(event);
            }

            @Override
            public void onStreamEnded(Throwable cause) {
                ended.add(cause);
            }
        })) {
            Instant before = Instant.now().minusSeconds(1);
            String id = podman.runContainer("dies", Map.of("lifeline.stack", "ev"), "sh", "-c", "sleep 0.3; exit 7");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.containerId().equals(id) && e.action().equals("die")));
            EngineEvent die = events.stream()
                    .filter(e -> e.containerId().equals(id) && e.action().equals("die")).findFirst().orElseThrow();
            assertThat(die.attribute("exitCode")).isEqualTo("7");
            assertThat(die.attribute("name")).isEqualTo("dies");
            assertThat(die.attribute("lifeline.stack")).isEqualTo("ev");
            assertThat(die.time()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
            assertThat(events).anyMatch(e -> e.containerId().equals(id) && e.action().equals("start"));

            // a stop through the engine: Podman 4.3 reports it as die (no kill/stop events)
            String stoppedId = podman.runContainer("stopped-by-engine", Map.of());
            engine.stop(stoppedId, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.containerId().equals(stoppedId) && e.action().equals("die")
                            && "143".equals(e.attribute("exitCode"))));
        }
        assertThat(ended).as("closing the subscription is not an end of stream").isEmpty();
    }

    @Test
    void healthcheckReachesHealthyOrUnhealthy() {
        String healthy = podman.runContainer("health-ok", Map.of(),
                List.of("--health-cmd", "true", "--health-interval", "1s"));
        String sick = podman.runContainer("health-bad", Map.of(),
                List.of("--health-cmd", "false", "--health-interval", "1s", "--health-retries", "1"));
        String plain = podman.runContainer("health-none", Map.of());
        assertThat(engine.inspect(healthy).orElseThrow().health()).isIn(Health.STARTING, Health.HEALTHY);
        // without systemd, Podman 4.3 has no timer to run the check: the engine runs one on request and says how it
        // went, and the status the compatible API reports follows
        assertThat(engine.runHealthcheck(healthy)).isEqualTo(HealthProbe.PASSED);
        assertThat(engine.runHealthcheck(sick)).isEqualTo(HealthProbe.FAILED);
        assertThat(engine.runHealthcheck(plain)).as("no healthcheck").isEqualTo(HealthProbe.NOT_RUN);
        assertThat(engine.inspect(healthy).orElseThrow().health()).isEqualTo(Health.HEALTHY);
        assertThat(engine.inspect(sick).orElseThrow().health()).isEqualTo(Health.UNHEALTHY);
        assertThat(listed("health-ok").health()).isEqualTo(Health.HEALTHY);
        assertThat(listed("health-bad").health()).isEqualTo(Health.UNHEALTHY);

        engine.stop(healthy, Duration.ofSeconds(5));
        assertThat(engine.runHealthcheck(healthy)).as("not running").isEqualTo(HealthProbe.NOT_RUN);
        assertThat(engine.runHealthcheck("no-such-container")).isEqualTo(HealthProbe.NOT_RUN);
    }

    @Test
    void removeDeletesAStoppedContainerButNeverItsVolumeRefusesARunningOneAndToleratesAGoneOne() {
        podman.podman("volume", "create", "rm-data");
        String id = podman.runContainer("rm-me", Map.of(), List.of("-v", "rm-data:/data"));
        assertThatThrownBy(() -> engine.remove(id)).isInstanceOf(EngineException.class)
                .hasMessageContaining("remove container " + id);
        assertThat(engine.inspect(id)).isPresent();

        engine.stop(id, Duration.ofSeconds(10));
        engine.remove(id);

        assertThat(engine.inspect(id)).isEmpty();
        assertThat(podman.podmanResult("volume", "exists", "rm-data").ok()).as("the volume stays").isTrue();
        engine.remove(id);
    }
}
