package dev.lifeline.agent.backup;

/** An in-place restore was asked for a running stack without permission to stop it. */
public final class StackRunningException extends RuntimeException {
    public StackRunningException(String message) {
        super(message);
    }
}
