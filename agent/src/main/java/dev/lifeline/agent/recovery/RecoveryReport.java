package dev.lifeline.agent.recovery;

import java.time.Instant;
import java.util.List;

/** The result of one boot/crash recovery: an outcome per stack, and notes (cycles broken, missing dependencies). */
public record RecoveryReport(Instant startedAt, Instant finishedAt, boolean previousRunCrashed, boolean hostRebooted,
        List<StackOutcome> outcomes, List<String> notes) {
    public RecoveryReport {
        outcomes = List.copyOf(outcomes);
        notes = List.copyOf(notes);
    }

    public long count(String kind) {
        return outcomes.stream().filter(o -> o.kind().equals(kind)).count();
    }
}
