package dev.lifeline.agent.restic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a restic repository.
 *
 * @param repository any restic location ({@code /srv/backup}, {@code sftp:host:/path}, {@code s3:...},
 *     {@code rest:https://user:pass@host/}); passed to restic unchanged through {@code RESTIC_REPOSITORY}, never on
 *     the command line, and redacted in logs and errors
 * @param passwordFile file holding the repository password; must be mode 0600 or 0400 (no group or other bits)
 * @param resticBinary the restic executable, a name looked up on PATH or a path
 * @param extraEnv more environment for restic, typically backend credentials ({@code AWS_SECRET_ACCESS_KEY}...);
 *     only the names are ever logged
 * @param timeouts upper bounds per kind of operation
 * @param host the stable host name recorded in snapshots ({@code --host}); not the container's host name, which
 *     changes when the agent's container is recreated and would split restic's snapshot history
 * @param allowUnreadableFiles when true, a backup that could not read some files (restic exit code 3) still counts
 *     as a success; false by default, see {@link ResticRepository#backup}
 * @param niceness uploads after an early resume run restic under {@code nice -n niceness} (1 to 19), so that they
 *     yield the CPU to the apps starting again; 0 runs them at the agent's own priority (see
 *     {@link ResticRepository#yieldingCpu()})
 */
public record ResticConfig(String repository, Path passwordFile, String resticBinary, Map<String, String> extraEnv,
        Timeouts timeouts, String host, boolean allowUnreadableFiles, int niceness) {

    /** Environment variables passed through from the given environment: backend credentials and restic tuning. */
    static final List<String> PASS_THROUGH_PREFIXES = List.of("AWS_", "B2_", "AZURE_", "GOOGLE_", "OS_", "ST_",
            "RCLONE_", "RESTIC_CACHE_DIR", "RESTIC_COMPRESSION", "RESTIC_PACK_SIZE", "XDG_CACHE_HOME");

    /**
     * Upper bounds: {@code quick} for metadata commands (init, snapshots, forget), {@code backup}, {@code restore},
     * and {@code maintenance} for prune and check (which may read the whole repository).
     */
    public record Timeouts(Duration quick, Duration backup, Duration restore, Duration maintenance) {
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofMinutes(5), Duration.ofHours(12), Duration.ofHours(12), Duration.ofHours(24));

        public Timeouts {
            for (Duration d : new Duration[] {quick, backup, restore, maintenance}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("restic timeouts must be positive, got " + d);
                }
            }
        }
    }

    public ResticConfig {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("no restic repository configured: set RESTIC_REPOSITORY (a directory"
                    + " such as /srv/lifeline-backup, or any restic location such as sftp:host:/path)");
        }
        Objects.requireNonNull(passwordFile, "passwordFile: set RESTIC_PASSWORD_FILE to a file mode 0600");
        resticBinary = resticBinary == null || resticBinary.isBlank() ? "restic" : resticBinary;
        extraEnv = extraEnv == null ? Map.of() : Map.copyOf(extraEnv);
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        if (niceness < 0 || niceness > 19) {
            throw new IllegalArgumentException("restic's niceness must be 0 to 19, got " + niceness);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host name for restic snapshots: configure a stable one (the"
                    + " machine's name, not the container's)");
        }
    }

    /** A local or remote repository with default binary, timeouts and no extra environment. */
    public static ResticConfig of(String repository, Path passwordFile, String host) {
        return new ResticConfig(repository, passwordFile, "restic", Map.of(), Timeouts.DEFAULT, host, false, 0);
    }

    /**
     * Reads restic's own variables from {@code env}: {@code RESTIC_REPOSITORY}, {@code RESTIC_PASSWORD_FILE}, and
     * passes backend credentials through ({@code AWS_*}, {@code B2_*}, ...). {@code RESTIC_PASSWORD} alone is
     * refused: a password in an environment variable can be read from {@code /proc/PID/environ} and leaks into
     * process dumps; put it in a file instead.
     */
    public static ResticConfig fromEnvironment(Map<String, String> env, String host) {
        String file = env.get("RESTIC_PASSWORD_FILE");
        if ((file == null || file.isBlank()) && (env.containsKey("RESTIC_PASSWORD")
                || env.containsKey("RESTIC_PASSWORD_COMMAND"))) {
            throw new IllegalArgumentException("RESTIC_PASSWORD / RESTIC_PASSWORD_COMMAND are not supported: write the"
                    + " password to a file, chmod 600 it, and set RESTIC_PASSWORD_FILE to its path");
        }
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("RESTIC_PASSWORD_FILE is not set: write the repository password to a"
                    + " file, chmod 600 it, and set RESTIC_PASSWORD_FILE to its path");
        }
        return new ResticConfig(env.get("RESTIC_REPOSITORY"), Path.of(file), "restic", passThrough(env),
                Timeouts.DEFAULT, host, false, 0);
    }

    /**
     * The variables of {@code env} restic's backends and cache read (cloud credentials, cache location): they reach
     * restic through its environment, never its arguments or Lifeline's logs.
     */
    public static Map<String, String> passThrough(Map<String, String> env) {
        Map<String, String> extra = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (PASS_THROUGH_PREFIXES.stream().anyMatch(k::startsWith)) {
                extra.put(k, v);
            }
        });
        return extra;
    }

    public ResticConfig withBinary(String binary) {
        return new ResticConfig(repository, passwordFile, binary, extraEnv, timeouts, host, allowUnreadableFiles,
                niceness);
    }

    public ResticConfig withTimeouts(Timeouts t) {
        return new ResticConfig(repository, passwordFile, resticBinary, extraEnv, t, host, allowUnreadableFiles,
                niceness);
    }

    public ResticConfig withExtraEnv(Map<String, String> env) {
        return new ResticConfig(repository, passwordFile, resticBinary, env, timeouts, host, allowUnreadableFiles,
                niceness);
    }

    public ResticConfig withNiceness(int n) {
        return new ResticConfig(repository, passwordFile, resticBinary, extraEnv, timeouts, host, allowUnreadableFiles,
                n);
    }

    public ResticConfig withAllowUnreadableFiles(boolean allow) {
        return new ResticConfig(repository, passwordFile, resticBinary, extraEnv, timeouts, host, allow, niceness);
    }

    /** Never prints credentials: the repository is redacted, extra environment shows names only. */
    @Override
    public String toString() {
        return "ResticConfig[repository=" + Redaction.location(repository) + ", passwordFile=" + passwordFile
                + ", resticBinary=" + resticBinary + ", extraEnv=" + extraEnv.keySet() + ", timeouts=" + timeouts
                + ", host=" + host + ", allowUnreadableFiles=" + allowUnreadableFiles + "]";
    }
}
