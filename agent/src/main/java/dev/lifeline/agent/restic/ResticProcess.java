package dev.lifeline.agent.restic;

import dev.lifeline.agent.process.ChildProcesses;
import dev.lifeline.core.repository.RepositoryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one restic command from an argument list (never through a shell) with a bounded wait, reading its output
 * line by line while it runs. Interrupting the waiting thread, or reaching the timeout, ends restic: a polite
 * SIGTERM first (restic then removes its lock), SIGKILL when it does not go away. restic ends with the agent too,
 * however the agent ends ({@link ChildProcesses}).
 */
final class ResticProcess {
    /** Lines of stderr kept (restic's check reports every damaged blob there; the rest is only a tail). */
    static final int STDERR_LINES_KEPT = 200;
    static final Duration TERM_GRACE = Duration.ofSeconds(10);
    /** Remove variables that would override what the configuration says (or carry a password in plain sight). */
    static final List<String> INHERITED_RESTIC_VARIABLES = List.of("RESTIC_PASSWORD", "RESTIC_PASSWORD_COMMAND",
            "RESTIC_PASSWORD_FILE", "RESTIC_REPOSITORY", "RESTIC_REPOSITORY_FILE");

    /** What a finished restic produced. {@code stdout} excludes the status lines handed to the listener. */
    record Outcome(List<String> command, int exitCode, List<String> stdout, List<String> stderr, Duration elapsed) {
        boolean ok() {
            return exitCode == 0;
        }

        String stderrTail(int lines) {
            return String.join("\n", stderr.subList(Math.max(0, stderr.size() - lines), stderr.size()));
        }

        String stderrText() {
            return String.join("\n", stderr);
        }
    }

    private ResticProcess() {}

    /**
     * @param statusLines receives each stdout line that looks like a JSON status message
     *     ({@code "message_type":"status"}) on the reader thread; other lines are collected in the outcome
     * @throws RepositoryException for a missing binary, a timeout or an interruption; a non-zero exit is returned
     */
    static Outcome run(List<String> command, Map<String, String> env, Path workDir, Duration timeout,
            Consumer<String> statusLines, Redaction redaction) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> childEnv = builder.environment();
        INHERITED_RESTIC_VARIABLES.forEach(childEnv::remove);
        childEnv.putAll(env);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        List<String> shown = redaction.scrub(command);
        long started = System.nanoTime();
        Process process;
        try {
            process = ChildProcesses.bound().start(builder);
        } catch (IOException e) {
            throw new RepositoryException(RepositoryException.Reason.TOOL_MISSING,
                    "cannot run the restic binary '" + command.get(0) + "': " + redaction.scrub(e.getMessage()),
                    shown, -1, "", "install restic (scripts/setup-host installs it, or apt-get install restic) or"
                            + " set the restic binary in the configuration to its full path", e);
        }
        List<String> stdout = new ArrayList<>();
        Deque<String> stderr = new ArrayDeque<>();
        Thread outReader = Thread.ofVirtual().name("restic-stdout").start(() -> readLines(process.getInputStream(),
                line -> {
                    if (statusLines != null && line.startsWith("{") && line.contains("\"message_type\":\"status\"")) {
                        statusLines.accept(line);
                    } else {
                        synchronized (stdout) {
                            stdout.add(line);
                        }
                    }
                }));
        Thread errReader = Thread.ofVirtual().name("restic-stderr").start(() -> readLines(process.getErrorStream(),
                line -> {
                    synchronized (stderr) {
                        stderr.addLast(line);
                        if (stderr.size() > STDERR_LINES_KEPT) {
                            stderr.removeFirst();
                        }
                    }
                }));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                end(process);
                throw new RepositoryException(RepositoryException.Reason.TIMEOUT,
                        "restic did not finish within " + timeout + " and was ended", shown, -1,
                        redaction.scrub(tail(stderr)), "check that the repository backend answers (network, disk),"
                                + " or raise the restic timeout for this operation", null);
            }
            // restic has exited; its pipes close unless a child (ssh for sftp, rclone) still holds them
            outReader.join(TERM_GRACE);
            errReader.join(TERM_GRACE);
        } catch (InterruptedException e) {
            end(process);
            Thread.currentThread().interrupt();
            throw new RepositoryException(RepositoryException.Reason.CANCELLED,
                    "restic was cancelled (the calling thread was interrupted)", shown, -1,
                    redaction.scrub(tail(stderr)), "nothing: the operation was cancelled on purpose; a later run"
                            + " starts over", e);
        }
        List<String> out;
        synchronized (stdout) {
            out = List.copyOf(stdout);
        }
        List<String> err;
        synchronized (stderr) {
            err = List.copyOf(stderr);
        }
        return new Outcome(shown, process.exitValue(), out, err, Duration.ofNanos(System.nanoTime() - started));
    }

    /** SIGTERM to restic and its children, SIGKILL to whatever is left after the grace period. */
    static void end(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Deque<String> stderr) {
        synchronized (stderr) {
            List<String> all = new ArrayList<>(stderr);
            return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
        }
    }

    private static void readLines(InputStream stream, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                // restic redraws its progress with carriage returns on terminals; keep the last state of a line
                int cr = line.lastIndexOf('\r');
                sink.accept(cr >= 0 ? line.substring(cr + 1) : line);
            }
        } catch (IOException e) {
            // the process was ended: what was read so far is what we have
        }
    }
}
