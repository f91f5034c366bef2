package dev.lifeline.testkit.sim;

import dev.lifeline.core.journal.AgentRun;
import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.RunStart;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A journal kept in memory. The object itself plays the disk: every write is "durable" when the method returns, so a
 * simulated agent crash drops the agent and keeps this object for the next agent. {@link #close()} therefore keeps
 * the state and the journal usable. Thread-safe.
 */
public final class InMemoryJournal implements Journal {
    private final List<AgentRun> runs = new ArrayList<>();
    private final Map<StackName, IntentRecord> intents = new TreeMap<>();
    private final Set<StackName> runningSet = new TreeSet<>();
    private final Map<String, Marker> markers = new LinkedHashMap<>();
    private final List<JournalEvent> events = new ArrayList<>();
    private String recoveredBootId;

    @Override
    public synchronized java.util.Optional<String> recoveredBootId() {
        return java.util.Optional.ofNullable(recoveredBootId);
    }

    @Override
    public synchronized void recordRecoveryComplete(String bootId, Instant now) {
        recoveredBootId = bootId;
    }

    @Override
    public synchronized RunStart beginRun(Instant now, long pid, String bootId) {
        Optional<AgentRun> previous = runs.isEmpty() ? Optional.empty() : Optional.of(runs.getLast());
        AgentRun current = new AgentRun(runs.size() + 1L, now, pid, bootId, Optional.empty());
        runs.add(current);
        return new RunStart(current, previous);
    }

    @Override
    public synchronized void endRunCleanly(long runId, Instant now) {
        for (int i = 0; i < runs.size(); i++) {
            AgentRun run = runs.get(i);
            if (run.id() == runId) {
                runs.set(i, new AgentRun(run.id(), run.startedAt(), run.pid(), run.bootId(), Optional.of(now)));
                return;
            }
        }
        throw new IllegalArgumentException("no agent run " + runId);
    }

    @Override
    public synchronized Map<StackName, IntentRecord> intents() {
        return Map.copyOf(intents);
    }

    @Override
    public synchronized void setIntent(StackName stack, Intent intent, String reason, Instant now) {
        intents.put(stack, new IntentRecord(stack, intent, reason, now));
    }

    @Override
    public synchronized Set<StackName> runningSet() {
        return Set.copyOf(runningSet);
    }

    @Override
    public synchronized Set<StackName> addToRunningSet(Set<StackName> stacks, Instant now) {
        Set<StackName> added = new TreeSet<>();
        for (StackName stack : stacks) {
            if (runningSet.add(stack)) {
                added.add(stack);
            }
        }
        return Set.copyOf(added);
    }

    @Override
    public synchronized void removeFromRunningSet(Set<StackName> stacks, Instant now) {
        runningSet.removeAll(stacks);
    }

    @Override
    public synchronized List<Marker> openMarkers() {
        return List.copyOf(markers.values());
    }

    @Override
    public synchronized void writeMarker(Marker marker) {
        markers.put(marker.id(), marker);
    }

    @Override
    public synchronized void clearMarker(String markerId, Instant now) {
        markers.remove(markerId);
    }

    @Override
    public synchronized void appendEvent(JournalEvent event) {
        events.add(event);
    }

    @Override
    public synchronized List<JournalEvent> recentEvents(int limit) {
        List<JournalEvent> newestFirst = new ArrayList<>(events.reversed());
        return List.copyOf(newestFirst.subList(0, Math.min(Math.max(limit, 0), newestFirst.size())));
    }

    /** Every agent run recorded, oldest first (for assertions). */
    public synchronized List<AgentRun> runs() {
        return List.copyOf(runs);
    }

    /** Keeps everything: the "disk" outlives the agent that closes it. */
    @Override
    public void close() {
    }
}
