package dev.lifeline.testkit.podman;

import java.util.List;

/** What a finished child process produced. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
    public ProcessResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns stdout, or throws with the command, exit code and stderr. */
    public String stdoutOrThrow() {
        if (!ok()) {
            throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                    + "\nstderr: " + stderr.strip() + (stdout.isBlank() ? "" : "\nstdout: " + stdout.strip()));
        }
        return stdout;
    }
}
