package dev.lifeline.agent.recovery;

import dev.lifeline.core.model.StackName;

/** What recovery did with one stack. */
public sealed interface StackOutcome {
    StackName stack();

    String detail();

    @com.fasterxml.jackson.annotation.JsonProperty("kind")
    default String kind() {
        return switch (this) {
            case Recovered r -> "recovered";
            case Failed f -> "failed";
            case Skipped s -> "skipped";
            case AlreadyUp a -> "already-up";
        };
    }

    record Recovered(StackName stack, int attempts, long durationMs, String detail) implements StackOutcome {}

    record Failed(StackName stack, int attempts, String detail) implements StackOutcome {}

    record Skipped(StackName stack, String detail) implements StackOutcome {}

    record AlreadyUp(StackName stack, String detail) implements StackOutcome {}
}
