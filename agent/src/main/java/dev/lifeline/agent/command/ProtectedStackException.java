package dev.lifeline.agent.command;

/** Lifeline never stops a protected stack ({@code lifeline.protected=true}), not even when asked to. */
public class ProtectedStackException extends RuntimeException {
    public ProtectedStackException(String stack) {
        super("stack '" + stack + "' is protected (lifeline.protected=true): Lifeline never stops it; remove the label,"
                + " or stop it with the engine's own CLI if you really mean it (Lifeline then records it as"
                + " user-stopped)");
    }
}
