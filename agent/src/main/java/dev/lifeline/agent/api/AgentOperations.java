package dev.lifeline.agent.api;

import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.CommandResult;
import dev.lifeline.agent.recovery.RecoveryPreview;
import dev.lifeline.agent.recovery.RecoveryReport;
import dev.lifeline.agent.report.StackReport;
import dev.lifeline.core.journal.JournalEvent;
import java.util.List;
import java.util.Optional;

/** What the local API (and later the control-plane client) may ask of the agent. */
public interface AgentOperations {

    /** {@code ready} once boot recovery is complete; {@code phase} says what the agent is doing. */
    record Readiness(boolean ready, String phase, String detail) {}

    Readiness readiness();

    List<StackReport> stacks();

    CommandResult execute(Command command) throws InterruptedException;

    Optional<RecoveryReport> lastRecovery();

    RecoveryPreview previewRecovery();

    List<JournalEvent> events(int limit);

    String metrics();
}
