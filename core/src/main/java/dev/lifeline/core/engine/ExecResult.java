package dev.lifeline.core.engine;

/**
 * How a command run inside a container ended.
 *
 * @param exitCode the command's exit code; -1 when it timed out
 * @param output   its standard output and error, cut to a bounded size
 * @param timedOut the command did not finish within the timeout (the engine API cannot kill it; it may still run)
 */
public record ExecResult(int exitCode, String output, boolean timedOut) {
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
