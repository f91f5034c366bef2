package dev.lifeline.cli.demo;

import dev.lifeline.testkit.podman.ProcessResult;
import dev.lifeline.testkit.podman.Processes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the demo needs on the host (Podman, runc, Docker, busybox-static, restic, btrfs-progs, the compose clients and
 * the offline PostgreSQL image), asked of the repository's {@code scripts/setup-host --check}, which keeps the one
 * list: as root the demo runs that script itself, saying so in one line; as anyone else it stops at once with the
 * command to run.
 */
public final class HostSetup {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(30);

    private HostSetup() {}

    /** What to do about what {@code setup-host --check} reported missing. */
    public sealed interface Decision {
        /** Nothing is missing. */
        record Proceed() implements Decision {}

        /** Missing, and this user may install it: run the script. */
        record Install(Path script, List<String> missing) implements Decision {}

        /** Missing, and only root can install it: the exact command to run. */
        record Refuse(String message) implements Decision {}
    }

    /** The pure decision: {@code missing} is the check's lines ("package podman", "image postgres-15"). */
    public static Decision decide(List<String> missing, boolean root, Path script) {
        if (missing.isEmpty()) {
            return new Decision.Proceed();
        }
        if (root) {
            return new Decision.Install(script, missing);
        }
        return new Decision.Refuse("lifeline demo needs " + describe(missing) + ", which only root can install; run "
                + "this once, then the demo again:\n  sudo " + script);
    }

    /** "podman, runc and the PostgreSQL image (built offline, about 3 minutes)". */
    static String describe(List<String> missing) {
        List<String> names = missing.stream().map(line -> line.startsWith("image ")
                ? "the PostgreSQL image (built offline from Debian packages, about 3 minutes)"
                : line.substring(line.indexOf(' ') + 1)).toList();
        if (names.size() == 1) {
            return names.getFirst();
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    /**
     * Makes sure the host has what the demo needs. Returns false (after printing the command to run) when it is
     * missing and this user cannot install it; throws when the installation itself failed.
     */
    public static boolean ensure(PrintStream out, PrintStream err) throws IOException {
        Path script = repoScript();
        ProcessResult check = Processes.run(List.of(script.toString(), "--check"), Map.of(), null, CHECK_TIMEOUT);
        if (check.exitCode() != 0 && check.exitCode() != 3) {
            throw new IllegalStateException(script + " --check failed (exit " + check.exitCode() + "): "
                    + check.stderr().strip());
        }
        List<String> missing = check.stdout().lines().filter(l -> !l.isBlank()).toList();
        switch (decide(missing, isRoot(), script)) {
            case Decision.Proceed p -> {
                return true;
            }
            case Decision.Refuse refuse -> {
                err.println(refuse.message());
                return false;
            }
            case Decision.Install install -> {
                Path log = script.getParent().getParent().resolve(".setup-host.log");
                out.println("[setup] installing " + describe(install.missing()) + " with " + script
                        + " (once per machine; output in " + log + ")");
                ProcessBuilder setup = new ProcessBuilder(script.toString()).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                Process p = setup.start();
                try {
                    if (!p.waitFor(SETUP_TIMEOUT.toMinutes(), java.util.concurrent.TimeUnit.MINUTES)) {
                        p.destroyForcibly();
                        throw new IllegalStateException(script + " did not finish in " + SETUP_TIMEOUT.toMinutes()
                                + " minutes; its output is in " + log);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                    throw new IllegalStateException("interrupted while " + script + " ran", e);
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); its output is in "
                            + log);
                }
                return true;
            }
        }
    }

    /** The repository's setup script, found through {@code $LIFELINE_HOME} (set by the {@code ./lifeline} launcher). */
    private static Path repoScript() {
        String home = System.getenv("LIFELINE_HOME");
        Path script = home == null ? null : Path.of(home, "scripts", "setup-host");
        if (script == null || !Files.isExecutable(script)) {
            throw new IllegalStateException("lifeline demo runs from a Lifeline checkout (./lifeline demo), whose "
                    + "scripts/setup-host installs what it needs; LIFELINE_HOME=" + home + " holds no such script");
        }
        return script;
    }

    /** The process's own uid, read from the owner of /proc/self. */
    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }
}
