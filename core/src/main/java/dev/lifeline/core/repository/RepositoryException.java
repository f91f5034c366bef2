package dev.lifeline.core.repository;

import java.util.List;

/**
 * A repository operation failed. Carries the tool command that ran (never with a secret: passwords and
 * credentials in repository locations are not part of it), its exit code ({@code -1} when it did not finish), the
 * tail of its error output, and what the user can do. None of these ever contain a secret.
 */
public class RepositoryException extends RuntimeException {

    /** Why it failed, for callers that react differently (retry later, alert, give up). */
    public enum Reason {
        /** The configuration is unusable (password file missing or readable by others, bad repository string). */
        CONFIGURATION,
        /** The backup tool is not installed or not executable. */
        TOOL_MISSING,
        /** No repository exists at the location yet. */
        NOT_INITIALIZED,
        /** The repository exists, but the password does not open it. */
        WRONG_PASSWORD,
        /** The backend (server, disk, network) could not be reached. */
        UNREACHABLE,
        /** Another process holds a lock on the repository. */
        LOCKED,
        /** A backup finished but could not read some files: the snapshot is incomplete. */
        INCOMPLETE,
        /** The operation ran longer than its timeout and was ended. */
        TIMEOUT,
        /** The calling thread was interrupted and the operation was ended. */
        CANCELLED,
        /** Anything else. */
        FAILED
    }

    private final Reason reason;
    private final List<String> command;
    private final int exitCode;
    private final String stderrTail;
    private final String remedy;

    public RepositoryException(Reason reason, String message, List<String> command, int exitCode, String stderrTail,
            String remedy, Throwable cause) {
        super(compose(message, command, exitCode, stderrTail, remedy), cause);
        this.reason = reason;
        this.command = command == null ? List.of() : List.copyOf(command);
        this.exitCode = exitCode;
        this.stderrTail = stderrTail == null ? "" : stderrTail;
        this.remedy = remedy == null ? "" : remedy;
    }

    private static String compose(String message, List<String> command, int exitCode, String stderrTail,
            String remedy) {
        StringBuilder b = new StringBuilder(message);
        if (remedy != null && !remedy.isBlank()) {
            b.append(". What to do: ").append(remedy);
        }
        if (command != null && !command.isEmpty()) {
            b.append(" [command: ").append(String.join(" ", command));
            if (exitCode >= 0) {
                b.append(", exit ").append(exitCode);
            }
            b.append(']');
        }
        if (stderrTail != null && !stderrTail.isBlank()) {
            b.append("\nstderr: ").append(stderrTail.strip());
        }
        return b.toString();
    }

    public Reason reason() {
        return reason;
    }

    /** The tool command that ran, without secrets; empty when the failure happened before running anything. */
    public List<String> command() {
        return command;
    }

    /** The tool's exit code, or {@code -1} when it did not exit by itself (not started, timed out, cancelled). */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines the tool wrote to stderr, with credentials redacted. */
    public String stderrTail() {
        return stderrTail;
    }

    /** What the user can do about it. */
    public String remedy() {
        return remedy;
    }
}
