package dev.lifeline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataDirsTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/ann", "LIFELINE_DATA_DIR", "/srv/lifeline");

    @Test
    void explicit_value_wins_over_everything() {
        assertThat(DataDirs.resolve(Optional.of("/opt/ll"), ENV, 0, "/x")).isEqualTo(Path.of("/opt/ll"));
    }

    @Test
    void environment_comes_next() {
        assertThat(DataDirs.resolve(Optional.empty(), ENV, 1000, "/x")).isEqualTo(Path.of("/srv/lifeline"));
        assertThat(DataDirs.resolve(Optional.of("  "), ENV, 0, "/x")).isEqualTo(Path.of("/srv/lifeline"));
    }

    @Test
    void root_uses_the_system_dir() {
        assertThat(DataDirs.resolve(Optional.empty(), Map.of("HOME", "/root"), 0, "/root"))
                .isEqualTo(Path.of("/var/lib/lifeline"));
    }

    @Test
    void other_users_use_their_home() {
        assertThat(DataDirs.resolve(Optional.empty(), Map.of("HOME", "/home/ann"), 1000, "/x"))
                .isEqualTo(Path.of("/home/ann/.local/share/lifeline"));
        assertThat(DataDirs.resolve(Optional.empty(), Map.of("LIFELINE_DATA_DIR", ""), 1000, "/home/bob"))
                .isEqualTo(Path.of("/home/bob/.local/share/lifeline"));
    }

    @Test
    void relative_values_become_absolute() {
        assertThat(DataDirs.resolve(Optional.of("state/./dir"), Map.of(), 1000, "/x"))
                .isEqualTo(Path.of("state/dir").toAbsolutePath());
    }

    @Test
    void no_home_at_all_is_a_clear_error() {
        assertThatThrownBy(() -> DataDirs.resolve(Optional.empty(), Map.of(), 1000, null))
                .hasMessageContaining("--data-dir").hasMessageContaining("LIFELINE_DATA_DIR");
    }

    @Test
    void current_uid_matches_the_jdk() {
        assertThat(DataDirs.currentUid()).isEqualTo(new com.sun.security.auth.module.UnixSystem().getUid());
    }
}
