package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.ComposeProject;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.podman.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A compose project made by each engine's real compose client (podman-compose 1.0.3; docker-compose 1.29, compose v1)
 * as Lifeline sees it: labels on the containers, depends_on from the files.
 */
class ComposeProjectTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(EngineKind.class)
    void composeLabelsPointAtFilesThatGiveTheDependencies(EngineKind kind) throws Exception {
        try (TestEngine real = TestEngine.start(kind); DockerEngine engine = new DockerEngine(real.socketUri())) {
            String image = real.busyboxImage();
            // podman-compose 1.0.3 always adds --net <project>_default, which network_mode: none rejects;
            // an external network with a random subnet keeps concurrent test runs apart (on both engines)
            String network = real.createNetwork("lltest-net");
            Path project = Files.createDirectories(tmp.resolve("shop"));
            Path file = Files.writeString(project.resolve("docker-compose.yml"), """
                    services:
                      db:
                        image: %1$s
                        command: ["sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait"]
                      app:
                        image: %1$s
                        command: ["sh", "-c", "trap 'exit 143' TERM; sleep 2147483647 & wait"]
                        depends_on:
                          - db
                    networks:
                      default:
                        external: true
                        name: %2$s
                    """.formatted(image, network));

            ProcessResult up = real.compose(project, file, "up", "-d");
            assertThat(up.exitCode()).as("compose up: %s", up.stderr()).isZero();

            List<ContainerInfo> containers = engine.listContainers().stream()
                    .filter(c -> "shop".equals(c.label("com.docker.compose.project"))).toList();
            assertThat(containers).extracting(c -> c.label("com.docker.compose.service"))
                    .containsExactlyInAnyOrder("app", "db");
            for (ContainerInfo c : containers) {
                assertThat(c.isUp()).as(c.name()).isTrue();
                assertThat(c.label("com.docker.compose.project.working_dir")).isEqualTo(project.toString());
                assertThat(c.label("com.docker.compose.project.config_files")).isEqualTo(file.toString());
                assertThat(c.labels()).doesNotContainKey("com.docker.compose.depends_on");
            }

            ContainerInfo app = containers.stream()
                    .filter(c -> "app".equals(c.label("com.docker.compose.service"))).findFirst().orElseThrow();
            ComposeProject composeProject = new ComposeProject(app.label("com.docker.compose.project"),
                    app.label("com.docker.compose.project.working_dir"),
                    ComposeFileReader.splitConfigFiles(app.label("com.docker.compose.project.config_files")));
            assertThat(new ComposeFileReader().dependsOn(composeProject))
                    .isEqualTo(new ComposeFiles.Found(Map.of("app", Set.of("db"), "db", Set.of())));
        }
    }
}
