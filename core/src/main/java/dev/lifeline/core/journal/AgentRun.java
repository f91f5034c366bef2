package dev.lifeline.core.journal;

import java.time.Instant;
import java.util.Optional;

/** One run of the agent process; a run without a clean shutdown ended in a crash (or is the current one). */
public record AgentRun(long id, Instant startedAt, long pid, String bootId, Optional<Instant> cleanShutdownAt) {
    public boolean endedCleanly() {
        return cleanShutdownAt.isPresent();
    }
}
