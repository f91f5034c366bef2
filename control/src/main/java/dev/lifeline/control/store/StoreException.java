package dev.lifeline.control.store;

/** The store cannot do what was asked; the message says what and what to check. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
