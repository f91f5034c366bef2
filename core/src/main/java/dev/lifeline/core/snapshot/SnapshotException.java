package dev.lifeline.core.snapshot;

/** A snapshot could not be taken, found or deleted. The message names the path and what to do. */
public class SnapshotException extends RuntimeException {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
