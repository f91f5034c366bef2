package dev.lifeline.core.fleet;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A workload's status, in the control plane's records and in an agent's report. A workload is one stack on one host.
 *
 * <p>Settled statuses describe what runs; transient ones describe a change in flight. The control plane writes a
 * transient status when a user's command starts a change (a start makes {@code starting}); the host monitor settles
 * it from the host's reports. In a report a transient status only says the stack is present: it is never copied into
 * the records. {@code missing} exists only in the records: the host went silent and nobody knows.
 */
public enum WorkloadStatus {
    RUNNING, PAUSED, STOPPED, ERROR, MISSING,
    STARTING, STOPPING, PAUSING, RESUMING, SNAPSHOTTING;

    /** A change in flight: starting, stopping, pausing, resuming, snapshotting. */
    public boolean isTransient() {
        return switch (this) {
            case STARTING, STOPPING, PAUSING, RESUMING, SNAPSHOTTING -> true;
            case RUNNING, PAUSED, STOPPED, ERROR, MISSING -> false;
        };
    }

    /** In a report: the stack exists on the host and holds resources (running, paused, or changing). */
    public boolean isAliveOnHost() {
        return this == RUNNING || this == PAUSED || isTransient();
    }

    /**
     * In the records: what a silent host's workload may still be doing, so it becomes {@code missing} when the host
     * turns unreachable (running, paused, or changing).
     */
    public boolean isActive() {
        return this == RUNNING || this == PAUSED || isTransient();
    }

    private final String wire = name().toLowerCase(Locale.ROOT);
    /** Read for every stack of every heartbeat: a lookup, not a scan that lower-cases each name. */
    private static final Map<String, WorkloadStatus> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(WorkloadStatus::wireName, s -> s));

    public String wireName() {
        return wire;
    }

    public static WorkloadStatus fromWire(String value) {
        WorkloadStatus s = value == null ? null : BY_WIRE_NAME.get(value);
        if (s != null) {
            return s;
        }
        throw new IllegalArgumentException("unknown workload status '" + value + "': expected one of running, paused, "
                + "stopped, error, missing, starting, stopping, pausing, resuming, snapshotting");
    }
}
