package dev.lifeline.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.EngineKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each private engine runs the locally built images, keeps its containers while its API service is away, and leaves
 * nothing behind: no process it started (Docker's containerd and shims included), no mount, no file.
 */
class PrivateEngineTest {

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void runsTheLocalImagesKeepsContainersWhileAwayAndLeavesNothingBehind(EngineKind kind) throws IOException {
        TestEngine engine = TestEngine.start(kind);
        Path dir = engine.dir();
        try {
            assertThat(engine.kind()).isEqualTo(kind);
            String id = engine.runContainer("idle", Map.of("lifeline.stack", "s"));
            assertThat(engine.cli("inspect", "--format", "{{.State.Running}}", id).strip()).isEqualTo("true");
            assertThat(engine.cli("inspect", "--format", "{{index .Config.Labels \"lifeline.stack\"}}", id).strip())
                    .isEqualTo("s");

            engine.stopService();
            assertThat(engine.answers()).isFalse();
            engine.startService();
            assertThat(engine.cli("inspect", "--format", "{{.State.Running}}", id).strip())
                    .as("the container outlived its engine's API service").isEqualTo("true");

            engine.stopAll(Duration.ofSeconds(2));
            assertThat(engine.cli("inspect", "--format", "{{.State.ExitCode}}", id).strip()).isEqualTo("143");
            engine.runContainer("still-running", Map.of());
        } finally {
            engine.close();
        }
        assertThat(dir).doesNotExist();
        assertThat(processesNaming(dir)).as("processes left by the " + kind + " engine").isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(dir.toString());
    }

    private static List<String> processesNaming(Path dir) {
        return ProcessHandle.allProcesses().map(p -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException | RuntimeException gone) {
                return "";
            }
        }).filter(cmdline -> cmdline.contains(dir.toString())).toList();
    }
}
