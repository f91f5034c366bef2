package dev.lifeline.control.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlDataDirTest {

    @Test
    void rootKeepsItUnderVarLibAndAUserUnderItsHome() {
        assertThat(ControlDataDir.byDefault(Map.of(), "root", "/root")).isEqualTo(Path.of("/var/lib/lifeline-control"));
        assertThat(ControlDataDir.byDefault(Map.of("HOME", "/home/ann"), "ann", "/x"))
                .isEqualTo(Path.of("/home/ann/.local/share/lifeline-control"));
    }
}
