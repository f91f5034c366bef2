package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stack made with podman-compose (Debian's 1.0.3, which writes no depends_on label): after a reboot the agent
 * starts its containers in the order of the compose file's depends_on, read through the project's labels.
 */
class ComposeRecoveryTest {

    @Test
    void aPodmanComposeStackComesBackInComposeDependsOnOrder() throws Exception {
        try (PodmanService podman = PodmanService.start();
                Host host = new Host(podman, "recovery:\n  settle-time: 700ms\n")) {
            String image = podman.busyboxImage();
            String network = podman.createNetwork("lltest-shop");
            Path project = Files.createDirectories(host.dir.resolve("shop"));
            // Alphabetical order (api, cache, db) would be wrong: db first, then cache, then api.
            Path file = Files.writeString(project.resolve("docker-compose.yml"), """
                    services:
                      db:
                        image: %1$s
                        command: ["sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait"]
                      cache:
                        image: %1$s
                        command: ["sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait"]
                        depends_on: [db]
                      api:
                        image: %1$s
                        command: ["sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait"]
                        depends_on:
                          db:
                            condition: service_started
                          cache:
                            condition: service_started
                    networks:
                      default:
                        external: true
                        name: %2$s
                    """.formatted(image, network));
            ProcessResult up = podman.exec(project, List.of("podman-compose", "-f", file.toString(), "up", "-d"));
            assertThat(up.exitCode()).as("podman-compose up: %s", up.stderr()).isZero();

            AgentProcess first = host.agent();
            first.awaitReady(Duration.ofSeconds(90));
            Host.await(Duration.ofSeconds(30), "the shop stack is in the running set", () ->
                    Host.stacks(first).containsKey("shop") && Host.stacks(first).get("shop").get("inRunningSet").asBoolean());
            assertThat(Host.stacks(first).get("shop").get("source").asText()).isEqualTo("compose");
            host.crashAndReboot(first);

            AgentProcess second = host.agent();
            second.awaitReady(Duration.ofSeconds(90));
            assertThat(Host.outcomes(second).get("shop")).startsWith("recovered");
            ContainerInfo db = byService(host, "db");
            ContainerInfo cache = byService(host, "cache");
            ContainerInfo api = byService(host, "api");
            assertThat(db.isUp() && cache.isUp() && api.isUp()).isTrue();
            assertThat(db.startedAt().orElseThrow()).isBefore(cache.startedAt().orElseThrow());
            assertThat(cache.startedAt().orElseThrow()).isBefore(api.startedAt().orElseThrow());
        }
    }

    private static ContainerInfo byService(Host host, String service) {
        return host.podman.podman("ps", "-a", "--format", "{{.Names}}").lines()
                .map(host::container)
                .filter(c -> service.equals(c.label("com.docker.compose.service")))
                .findFirst().orElseThrow(() -> new AssertionError("no container for service " + service));
    }
}
