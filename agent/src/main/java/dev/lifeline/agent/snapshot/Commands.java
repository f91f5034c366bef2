package dev.lifeline.agent.snapshot;

import dev.lifeline.agent.process.ChildProcesses;
import dev.lifeline.core.snapshot.SnapshotException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the snapshot tools ({@code btrfs}, {@code cp}, {@code chattr}, {@code sync}) from argument lists, no shell. */
final class Commands {
    private Commands() {}

    /** What a finished command produced. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** {@code `btrfs ...` failed (exit 1): <stderr>}, for error messages. */
        String failure() {
            String err = stderr.strip();
            return "`" + String.join(" ", command) + "` failed (exit " + exitCode + ")"
                    + (err.isEmpty() ? "" : ": " + err);
        }
    }

    /** How long a killed command is waited for before the caller goes on without it. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    /**
     * Runs {@code command} and waits up to {@code timeout}; a command that outlives it is killed.
     *
     * @throws SnapshotException when the program cannot be started (not installed) or times out
     */
    static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, KILL_GRACE);
    }

    /**
     * The same, waiting at most {@code killGrace} for a command killed at its timeout to end: a process inside a
     * system call that writes to the disk ends only once the call returns, and zero goes on without it (the JVM
     * reaps it when it ends).
     */
    static Result run(List<String> command, Duration timeout, Duration killGrace) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = ChildProcesses.bound().start(builder);
        } catch (IOException e) {
            throw new SnapshotException("cannot run " + command.getFirst() + " (" + e.getMessage() + "): install it "
                    + "(scripts/setup-host installs btrfs-progs) or use another snapshot provider", e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS);
                throw new SnapshotException("`" + String.join(" ", command) + "` did not finish within " + timeout
                        + " and was killed; stderr so far: " + err.getNow("").strip());
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new SnapshotException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
    }
}
