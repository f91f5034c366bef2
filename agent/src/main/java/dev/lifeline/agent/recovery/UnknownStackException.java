package dev.lifeline.agent.recovery;

/** The user named a stack the engine does not have. */
public class UnknownStackException extends RuntimeException {
    public UnknownStackException(String stack, java.util.Collection<String> known) {
        super("unknown stack '" + stack + "'; known stacks: " + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }
}
