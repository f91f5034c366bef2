package dev.lifeline.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the agent keeps its journal and lock: an explicit value (flag or config), else {@code LIFELINE_DATA_DIR},
 * else {@code /var/lib/lifeline} for root, else {@code $HOME/.local/share/lifeline}.
 */
public final class DataDirs {
    public static final String ENV = "LIFELINE_DATA_DIR";
    public static final Path SYSTEM_DIR = Path.of("/var/lib/lifeline");

    private DataDirs() {}

    /** Resolves with this process's environment and user. */
    public static Path resolve(Optional<String> explicit) {
        return resolve(explicit, System.getenv(), currentUid(), System.getProperty("user.home"));
    }

    /**
     * @param explicit the value of a flag or config key, if given (blank counts as not given)
     * @param env      the environment
     * @param uid      the effective user id; 0 selects the system directory
     * @param userHome fallback when {@code HOME} is not set
     */
    public static Path resolve(Optional<String> explicit, Map<String, String> env, long uid, String userHome) {
        Optional<String> chosen = explicit.filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(env.get(ENV)).filter(v -> !v.isBlank()));
        if (chosen.isPresent()) {
            return Path.of(chosen.get().strip()).toAbsolutePath().normalize();
        }
        if (uid == 0) {
            return SYSTEM_DIR;
        }
        String home = Optional.ofNullable(env.get("HOME")).filter(v -> !v.isBlank()).orElse(userHome);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("cannot choose a data directory: HOME is not set; pass --data-dir or set "
                    + ENV);
        }
        return Path.of(home, ".local", "share", "lifeline").toAbsolutePath().normalize();
    }

    /** The effective uid of this process (from /proc/self/status, else the JDK's UnixSystem). */
    public static long currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    // Uid: real effective saved filesystem
                    String[] parts = line.substring(4).trim().split("\\s+");
                    return Long.parseLong(parts.length > 1 ? parts[1] : parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: fall through
        }
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
