package dev.lifeline.control.config;

/** A setting of the control plane that cannot be used; the message names the key, the value and its source. */
public class ControlConfigException extends RuntimeException {
    public ControlConfigException(String message) {
        super(message);
    }

    public ControlConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
