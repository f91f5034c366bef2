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

    /** Starts a backup job over the stacks (every stack when empty); answers at once with the pending job. */
    dev.lifeline.agent.backup.JobView startBackup(List<dev.lifeline.core.model.StackName> stacks);

    /** A job's record; without an id the running job, else the newest. */
    Optional<dev.lifeline.agent.backup.JobView> backupStatus(Optional<String> job);

    List<dev.lifeline.agent.backup.JobView> backupJobs(Optional<dev.lifeline.core.model.StackName> stack, int limit);

    List<dev.lifeline.agent.backup.BackupService.DueStack> backupDue();

    /** How each data path would be backed up now (snapshot provider or stop-mode fallback), for doctor. */
    List<dev.lifeline.agent.backup.BackupService.PathReport> backupPaths();

    List<dev.lifeline.core.repository.RepositorySnapshot> backupSnapshots(
            Optional<dev.lifeline.core.model.StackName> stack);

    dev.lifeline.agent.backup.RestoreService.RestoreResult restore(dev.lifeline.core.model.StackName stack,
            Optional<String> snapshot, Optional<java.nio.file.Path> to, boolean stopStack) throws InterruptedException;

    dev.lifeline.agent.backup.RestoreService.VerifyResult verify(dev.lifeline.core.model.StackName stack);
}
