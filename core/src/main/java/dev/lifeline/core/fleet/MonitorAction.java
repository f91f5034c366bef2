package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One step the host monitor decided. The executor applies each as a compare-and-set write (a row changes only if it
 * still has the expected status, so a user's action in flight always wins; a lost race is not an error) and writes
 * an audit event for every audited one, in bulk per host.
 */
public sealed interface MonitorAction {

    /**
     * The workload's record changes from {@code expected} to {@code next} (never a transient status, never
     * {@code missing}). Not audited only for a missing workload found running again (the quiet restore).
     */
    record SettleWorkload(UUID host, long workloadId, String workload, WorkloadStatus expected, WorkloadStatus next,
            String reason, boolean audited) implements MonitorAction {}

    /** A stack the host reports that has no record yet: recorded with its settled status (audited). */
    record RecordWorkload(UUID host, String workload, WorkloadStatus status, String detail, String reason)
            implements MonitorAction {}

    /** The stack's reported detail changed (not audited: it is description, not status). */
    record NoteDetail(UUID host, long workloadId, String detail) implements MonitorAction {}

    /**
     * Recorded {@code stopped} but paused on the host, holding its memory: the agent gets a destroy command (a stack
     * already gone counts as done), audited. Destructive: held during a mass silence. Planned again from every report
     * that still shows the zombie, so the executor sends one only when none is open for the workload.
     */
    record DestroyZombie(UUID host, long workloadId, String workload, String reason) implements MonitorAction {}

    /**
     * An online (or draining) host silent past the threshold becomes unreachable, and its active workloads
     * {@code missing}; audited per host and per workload. The write is compare-and-set on the host still being
     * online or draining with this {@code lastHeartbeatAt} (null: never heard from), so a heartbeat that lands
     * meanwhile wins.
     */
    record MarkUnreachable(UUID host, Instant lastHeartbeatAt, String reason) implements MonitorAction {}

    /**
     * Too many hosts went silent at once: the control plane itself is probably cut off. None is marked unreachable
     * and nothing destructive happens while it lasts; audited once when it begins.
     *
     * @param silentHosts the hosts silent long enough to count, in id order
     * @param trackedHosts the hosts the share is taken of: those heard from within the last threshold
     */
    record HoldForMassSilence(List<UUID> silentHosts, int trackedHosts, String reason) implements MonitorAction {
        public HoldForMassSilence {
            silentHosts = List.copyOf(silentHosts);
        }
    }

    /**
     * The mass silence is over (few enough hosts silent): silent hosts are judged one by one again and held actions
     * run at their host's next check; audited once.
     *
     * @param heldSince when the hold began
     */
    record EndMassSilenceHold(Instant heldSince, int silentHosts, int trackedHosts, String reason)
            implements MonitorAction {}
}
