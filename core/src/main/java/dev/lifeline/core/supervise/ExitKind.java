package dev.lifeline.core.supervise;

/** Why a container's process ended, as far as the engine lets us tell. */
public enum ExitKind {
    /** Someone stopped it: a stop signal's exit code (or, seen by {@link ExitJudge}, a kill event that ends it). */
    STOPPED,
    /** It died on its own: a non-zero exit that is not a stop signal's, or the OOM killer. */
    CRASHED;

    /**
     * Classifies an exit from the engine's record alone. Podman emits no kill/stop event on {@code podman stop}, so the
     * exit code is all there is: 0 (clean exit after SIGTERM), 130 (SIGINT), 137 (SIGKILL after the stop timeout) and
     * 143 (SIGTERM) count as a stop; an OOM kill is always a crash. Docker records a kill event with the signal before
     * the exit: {@link ExitJudge} reads it first.
     */
    public static ExitKind of(int exitCode, boolean oomKilled) {
        if (oomKilled) {
            return CRASHED;
        }
        return switch (exitCode) {
            case 0, 130, 137, 143 -> STOPPED;
            default -> CRASHED;
        };
    }
}
