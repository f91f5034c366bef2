package dev.lifeline.agent.backup;

/** The agent cannot take the request yet (boot recovery is not complete); the caller should try again later. */
public final class NotReadyException extends RuntimeException {
    public NotReadyException(String message) {
        super(message);
    }
}
