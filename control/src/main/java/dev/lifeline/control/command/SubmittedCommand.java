package dev.lifeline.control.command;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.util.UUID;

/**
 * A user's command, queued: its id, and the workload's status before and after (the command's transient status, or
 * unchanged for a destroy, which has none).
 */
public record SubmittedCommand(UUID id, UUID host, String workload, CommandKind kind, WorkloadStatus before,
        WorkloadStatus after) {}
