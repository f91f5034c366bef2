package dev.lifeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.control.config.ControlConfigLoader;
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

    @Test
    void theControlPlanesUnitKeepsItsStateInItsDataDirAndReadsTheSettingsFile() throws IOException {
        String unit = Files.readString(ROOT.resolve("packaging/lifeline-control.service"));
        assertThat(unit).contains("ExecStart=/usr/bin/java ").contains(" -jar /opt/lifeline/lifeline.jar control\n")
                .contains("StateDirectory=lifeline-control\n")
                .contains("Environment=LIFELINE_CONTROL_DATA_DIR=/var/lib/lifeline-control\n")
                .contains("EnvironmentFile=-/etc/lifeline/control.env\n").contains("KillSignal=SIGTERM");
    }

    @Test
    void theSettingsFileListsEverySettingOfTheControlPlaneAndNothingElse() throws IOException {
        // every setting is listed commented out, with its default: uncommented, an empty value would override the
        // unit's Environment= (systemd lets EnvironmentFile= win)
        List<String> settings = Files.readAllLines(ROOT.resolve("packaging/control.env")).stream()
                .filter(l -> l.startsWith("#LIFELINE_CONTROL_")).map(l -> l.substring(1)).toList();
        assertThat(Files.readAllLines(ROOT.resolve("packaging/control.env"))).noneMatch(l -> l.startsWith("LIFELINE_"));
        List<String> listed = settings.stream().map(l -> l.substring(0, l.indexOf('='))).toList();
        List<String> known = ControlConfigLoader.DEFAULTS.keySet().stream().map(ControlConfigLoader::environmentName)
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(known);
        for (String line : settings) {
            String key = line.substring("LIFELINE_CONTROL_".length(), line.indexOf('=')).toLowerCase()
                    .replace('_', '-');
            assertThat(line.substring(line.indexOf('=') + 1)).as(key).isEqualTo(ControlConfigLoader.DEFAULTS.get(key));
        }
    }
}
