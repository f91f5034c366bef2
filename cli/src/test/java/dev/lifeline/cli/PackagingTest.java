package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.testkit.process.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What ships beside the jar stays consistent with the code. */
class PackagingTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theSystemdUnitRunsTheAgentWithTheShippedJvmOptions() throws IOException {
        List<String> options = AgentProcess.shippedJvmOptions(ROOT);
        assertThat(options).contains("-XX:+UseSerialGC");
        String execStart = Files.readAllLines(ROOT.resolve("packaging/lifeline.service")).stream()
                .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        for (String option : options) {
            assertThat(execStart).as("unit has " + option).contains(" " + option + " ");
        }
        assertThat(execStart).contains("-jar /opt/lifeline/lifeline.jar agent");
        assertThat(Files.readString(ROOT.resolve("packaging/lifeline.service"))).contains("KillSignal=SIGTERM");
    }
}
