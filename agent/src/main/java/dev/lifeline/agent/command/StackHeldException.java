package dev.lifeline.agent.command;

/** The stack is held by an operation in flight (a backup's quiesce); the request would undo its work. */
public final class StackHeldException extends RuntimeException {
    public StackHeldException(String message) {
        super(message);
    }
}
