package dev.lifeline.core.fleet;

import java.util.Locale;
import java.util.Optional;

/**
 * What the control plane asks an agent to do with one stack. Each has the transient status the workload's record
 * takes while it is in flight (a destroy has none: the row goes when the stack is gone).
 */
public enum CommandKind {
    START, STOP, PAUSE, RESUME, DESTROY, BACKUP;

    public Optional<WorkloadStatus> transientStatus() {
        return Optional.ofNullable(switch (this) {
            case START -> WorkloadStatus.STARTING;
            case STOP -> WorkloadStatus.STOPPING;
            case PAUSE -> WorkloadStatus.PAUSING;
            case RESUME -> WorkloadStatus.RESUMING;
            case BACKUP -> WorkloadStatus.SNAPSHOTTING;
            case DESTROY -> null;
        });
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CommandKind fromWire(String value) {
        for (CommandKind k : values()) {
            if (k.wireName().equals(value)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown command '" + value + "': expected one of start, stop, pause, "
                + "resume, destroy, backup");
    }
}
