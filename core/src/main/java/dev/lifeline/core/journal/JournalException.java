package dev.lifeline.core.journal;

/** The journal could not read or durably write its state. */
public class JournalException extends RuntimeException {
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
