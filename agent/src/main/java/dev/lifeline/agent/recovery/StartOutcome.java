package dev.lifeline.agent.recovery;

import java.time.Duration;

/** How starting one stack ended. */
public sealed interface StartOutcome {
    int attempts();

    record Started(int attempts, Duration took) implements StartOutcome {}

    record Failed(int attempts, String lastError) implements StartOutcome {}
}
