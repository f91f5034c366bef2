package dev.lifeline.control.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane's data dir when none is given: {@code /var/lib/lifeline-control} for root, else
 * {@code $HOME/.local/share/lifeline-control} (apart from an agent's {@code lifeline} dir on the same machine).
 */
public final class ControlDataDir {
    public static final Path SYSTEM_DIR = Path.of("/var/lib/lifeline-control");

    private ControlDataDir() {}

    public static Path byDefault() {
        return byDefault(System.getenv(), System.getProperty("user.name"), System.getProperty("user.home"));
    }

    public static Path byDefault(Map<String, String> env, String user, String userHome) {
        if ("root".equals(user)) {
            return SYSTEM_DIR;
        }
        String home = Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank()).orElse(userHome);
        return Path.of(home, ".local", "share", "lifeline-control").toAbsolutePath().normalize();
    }

    /** {@code LIFELINE_CONTROL_DATA_DIR} when set, else {@link #byDefault()}. */
    public static Path fromEnvironment(Map<String, String> env) {
        String set = env.get(ControlConfigLoader.environmentName("data-dir"));
        return set != null && !set.isBlank() ? Path.of(set.strip()).toAbsolutePath().normalize() : byDefault();
    }
}
