package dev.lifeline.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.cli.demo.Demo;
import dev.lifeline.core.engine.EngineKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, whole: recovery after a simulated host crash, a backup with early resume and a verified
 * restore, then the fleet (a control plane and two agents as real processes, one killed and brought back). Run on the
 * test class path rather than through {@code ./lifeline} (FirstRunTest proves the launcher's build path).
 */
class DemoTest {

    @Test
    void theDemoPassesEveryCheckOfEveryPart() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean passed;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            passed = new Demo(out, EngineKind.PODMAN, false).run();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(passed).as(printed).isTrue();
        assertThat(printed).contains("[14/14]").doesNotContain("FAILED")
                .contains("ok     notes stayed down")
                .contains("ok     the restored copy starts and holds all 1000 rows")
                .contains("ok     host-b's workloads went missing, and were never recorded as stopped")
                .containsPattern("host-b +- +host_online +unreachable -> online");
    }
}
