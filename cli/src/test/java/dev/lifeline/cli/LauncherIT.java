package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.podman.PodmanService;
import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lifeline} launcher runs the packaged jar (so this runs after {@code package}, as an integration test):
 * the agent's first clean exit writes its class archive (an AOT cache on JDK 25 and newer, else a class-data-sharing
 * archive, see scripts/lib/class-archive), and the next start loads Lifeline's own classes from it.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String AGENT_CLASS = "dev.lifeline.agent.Agent";

    @TempDir
    Path dir;

    @Test
    void theAgentsSecondStartLoadsItsClassesFromTheArchiveItsFirstCleanExitWrote() throws IOException {
        removeArchives();
        // the JVM names the source of every class it loads; "shared objects file" is the archive
        Map<String, String> env = Map.of("LIFELINE_JAVA_OPTS", "-Xlog:class+load=info");
        try (PodmanService podman = PodmanService.start()) {
            List<String> args = List.of("--engine", podman.socketUri().toString());
            AgentProcess first = AgentProcess.startScript(ROOT.resolve("lifeline"), dir.resolve("data"), args, env);
            first.awaitReady(Duration.ofSeconds(120));
            first.terminate();
            assertThat(first.log()).contains("event=agent_stopped clean=true");
            assertThat(archives()).as("archive written at the first clean exit:\n" + first.log()).isNotEmpty();
            assertThat(first.log()).contains(AGENT_CLASS + " source: file:").doesNotContain("[error]");

            AgentProcess second = AgentProcess.startScript(ROOT.resolve("lifeline"), dir.resolve("data"), args, env);
            second.awaitReady(Duration.ofSeconds(120));
            second.terminate();
            assertThat(second.log()).as(second.log()).contains(AGENT_CLASS + " source: shared objects file")
                    .doesNotContain("[error]");
            // the shipped logging set-up (LogSetup, in code): one key=value line per event, UTC timestamps, and no
            // SLF4J complaint (a line logged while the warm-up thread still set logging up would be replayed with one)
            for (AgentProcess run : List.of(first, second)) {
                assertThat(run.log()).as(run.log()).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z level=INFO "
                        + "logger=Agent event=ready ").doesNotContainPattern("SLF4J\\([WEI]\\)");
            }
        } finally {
            removeArchives();
        }
    }

    private static List<Path> archives() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(ROOT.resolve("cli/target"),
                "lifeline-agent{.jsa,-jdk*.aot}")) {
            s.forEach(found::add);
        }
        return found;
    }

    private static void removeArchives() throws IOException {
        for (Path p : archives()) {
            Files.deleteIfExists(p);
        }
    }
}
