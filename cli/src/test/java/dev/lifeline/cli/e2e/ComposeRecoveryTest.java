package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.process.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A stack made with each engine's compose client (podman-compose 1.0.3, docker-compose 1.29: neither writes the
 * depends_on label): after a reboot the agent starts its containers in the order of the compose file's depends_on,
 * read through the project's labels.
 */
class ComposeRecoveryTest extends OnEachEngine {

    @Test
    void aComposeStackComesBackInComposeDependsOnOrder() throws Exception {
        try (Host host = new Host(engine, "recovery:\n  settle-time: 700ms\n")) {
            String image = engine.busyboxImage();
            String network = engine.createNetwork("lltest-shop");
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
            ProcessResult up = engine.compose(project, file, "up", "-d");
            assertThat(up.exitCode()).as("compose up: %s", up.stderr()).isZero();

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
        return host.engine.cli("ps", "-a", "--format", "{{.Names}}").lines()
                .map(host::container)
                .filter(c -> service.equals(c.label("com.docker.compose.service")))
                .findFirst().orElseThrow(() -> new AssertionError("no container for service " + service));
    }
}
