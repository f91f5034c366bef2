package dev.lifeline.core.journal;

import java.util.Optional;

/** The run that just began, and the one before it. */
public record RunStart(AgentRun current, Optional<AgentRun> previous) {

    /** The previous run never recorded a clean shutdown. */
    public boolean previousCrashed() {
        return previous.isPresent() && !previous.get().endedCleanly();
    }

    /** The host rebooted since the previous run (its boot id changed); recovery uses {@link Journal#recoveredBootId}. */
    public boolean hostRebooted() {
        return previous.isPresent() && !previous.get().bootId().equals(current.bootId());
    }
}
