package dev.lifeline.agent.command;

/** A disruptive step was refused because the journal's disk is (nearly) full. */
public class InsufficientDiskException extends RuntimeException {
    public InsufficientDiskException(String message) {
        super(message);
    }
}
