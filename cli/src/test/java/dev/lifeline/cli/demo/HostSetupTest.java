package dev.lifeline.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.cli.demo.HostSetup.Decision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostSetupTest {
    private static final Path SCRIPT = Path.of("/src/lifeline/scripts/setup-host");

    @Test
    void nothingMissingProceedsForAnyUser() {
        assertThat(HostSetup.decide(List.of(), false, SCRIPT)).isEqualTo(new Decision.Proceed());
        assertThat(HostSetup.decide(List.of(), true, SCRIPT)).isEqualTo(new Decision.Proceed());
    }

    @Test
    void rootInstallsWhatIsMissingWithTheRepositoryScript() {
        List<String> missing = List.of("package podman", "image postgres-15");
        assertThat(HostSetup.decide(missing, true, SCRIPT)).isEqualTo(new Decision.Install(SCRIPT, missing));
    }

    @Test
    void aNormalUserIsToldTheExactCommandToRun() {
        Decision decision = HostSetup.decide(List.of("package podman", "package runc"), false, SCRIPT);
        assertThat(decision).isInstanceOfSatisfying(Decision.Refuse.class, refuse -> assertThat(refuse.message())
                .contains("needs podman and runc").endsWith("\n  sudo /src/lifeline/scripts/setup-host"));
    }

    @Test
    void theImageIsNamedForWhatItIsAndHowLongItTakes() {
        assertThat(HostSetup.describe(List.of("package podman", "package restic", "image postgres-15")))
                .isEqualTo("podman, restic and the PostgreSQL image (built offline from Debian packages, about 3 "
                        + "minutes)");
        assertThat(HostSetup.describe(List.of("package restic"))).isEqualTo("restic");
    }
}
