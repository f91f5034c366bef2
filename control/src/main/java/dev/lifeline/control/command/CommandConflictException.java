package dev.lifeline.control.command;

import dev.lifeline.core.fleet.WorkloadStatus;

/**
 * The workload is not in a settled status, so a command cannot start a change now (the API answers 409): another
 * change is in flight, or its host is unreachable and nobody knows what runs.
 */
public final class CommandConflictException extends RuntimeException {
    private final WorkloadStatus current;

    public CommandConflictException(String workload, WorkloadStatus current) {
        super(message(workload, current));
        this.current = current;
    }

    public WorkloadStatus current() {
        return current;
    }

    private static String message(String workload, WorkloadStatus current) {
        if (current == WorkloadStatus.MISSING) {
            return "workload '" + workload + "' is missing: its host is unreachable, so what it runs is unknown; try"
                    + " again when the host is back";
        }
        return "workload '" + workload + "' is " + current.wireName() + ": another change is in flight; try again"
                + " when it has settled";
    }
}
