package dev.lifeline.core.recovery;

import dev.lifeline.core.model.StackName;

/** What boot/crash recovery does with one stack, and why. */
public sealed interface StackDecision {
    StackName stack();

    String reason();

    /** Start the stack's stopped containers. */
    record Start(StackName stack, String reason) implements StackDecision {}

    /** Already running: nothing to do. */
    record AlreadyUp(StackName stack, String reason) implements StackDecision {}

    /** The user stopped it: leave it down. */
    record LeaveStopped(StackName stack, String reason) implements StackDecision {}

    /** Lifeline never saw it running: not its to start. */
    record NotStarted(StackName stack, String reason) implements StackDecision {}

    /**
     * It stopped while no agent was watching, with the exit of a deliberate stop: record the user's intent
     * ({@code user-stopped}) and leave it down.
     */
    record AdoptUserStop(StackName stack, String reason) implements StackDecision {}

    /** In the running set but gone from the engine: forget it. */
    record Forget(StackName stack, String reason) implements StackDecision {}
}
