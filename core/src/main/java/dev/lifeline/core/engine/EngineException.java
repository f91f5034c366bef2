package dev.lifeline.core.engine;

/** The engine could not be reached, or refused an operation. */
public class EngineException extends RuntimeException {
    private final boolean unreachable;

    public EngineException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    public static EngineException unreachable(String message, Throwable cause) {
        return new EngineException(message, true, cause);
    }

    public static EngineException refused(String message, Throwable cause) {
        return new EngineException(message, false, cause);
    }

    /** True when the engine itself is not answering (as opposed to refusing one request). */
    public boolean isUnreachable() {
        return unreachable;
    }
}
