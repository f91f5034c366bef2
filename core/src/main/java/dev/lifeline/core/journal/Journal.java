package dev.lifeline.core.journal;

import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Port to the agent's durable local state. Every write is durable (fsync'd) when the method returns; a method that
 * cannot make its write durable throws {@link JournalException} and the caller must not take the step that depended
 * on it.
 */
public interface Journal extends AutoCloseable {

    /** Records the start of an agent run and returns it with the previous run (empty on first start). */
    RunStart beginRun(Instant now, long pid, String bootId);

    /** Records that the run ended by a clean shutdown (SIGTERM or an explicit stop of the agent). */
    void endRunCleanly(long runId, Instant now);

    /** The boot id for which boot recovery last completed; a different current boot id means the host rebooted. */
    java.util.Optional<String> recoveredBootId();

    /** Records that recovery completed for this boot. */
    void recordRecoveryComplete(String bootId, Instant now);

    Map<StackName, IntentRecord> intents();

    /** Sets a stack's intent; {@code reason} says who decided (CLI, API, external stop...). */
    void setIntent(StackName stack, Intent intent, String reason, Instant now);

    /** The stacks last known running: what recovery brings back after a crash or reboot. */
    Set<StackName> runningSet();

    /** Adds stacks to the running set; returns the ones that were not in it. */
    Set<StackName> addToRunningSet(Set<StackName> stacks, Instant now);

    /** Removes stacks from the running set (stopped by the user, or gone from the engine). */
    void removeFromRunningSet(Set<StackName> stacks, Instant now);

    /** Operation markers still open: disruptive operations that a crash interrupted. */
    List<Marker> openMarkers();

    /** Writes a marker durably; it must exist on disk before the first disruptive step. */
    void writeMarker(Marker marker);

    /** Clears a marker; clearing a missing marker is a no-op. */
    void clearMarker(String markerId, Instant now);

    void appendEvent(JournalEvent event);

    /** Newest first. */
    List<JournalEvent> recentEvents(int limit);

    @Override
    void close();
}
