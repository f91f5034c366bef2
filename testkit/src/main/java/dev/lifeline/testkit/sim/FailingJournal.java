package dev.lifeline.testkit.sim;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.journal.JournalException;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.RunStart;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A journal whose disk is gone: every method, {@link #close()} included, throws {@link JournalException}. */
public final class FailingJournal implements Journal {

    private static JournalException failure(String operation) {
        return new JournalException("simulated journal failure in " + operation, null);
    }

    @Override
    public RunStart beginRun(Instant now, long pid, String bootId) {
        throw failure("beginRun");
    }

    @Override
    public void endRunCleanly(long runId, Instant now) {
        throw failure("endRunCleanly");
    }

    @Override
    public Map<StackName, IntentRecord> intents() {
        throw failure("intents");
    }

    @Override
    public void setIntent(StackName stack, Intent intent, String reason, Instant now) {
        throw failure("setIntent");
    }

    @Override
    public java.util.Optional<String> recoveredBootId() {
        throw failure("recoveredBootId");
    }

    @Override
    public void recordRecoveryComplete(String bootId, Instant now) {
        throw failure("recordRecoveryComplete");
    }

    @Override
    public Set<StackName> runningSet() {
        throw failure("runningSet");
    }

    @Override
    public Set<StackName> addToRunningSet(Set<StackName> stacks, Instant now) {
        throw failure("addToRunningSet");
    }

    @Override
    public void removeFromRunningSet(Set<StackName> stacks, Instant now) {
        throw failure("removeFromRunningSet");
    }

    @Override
    public List<Marker> openMarkers() {
        throw failure("openMarkers");
    }

    @Override
    public void writeMarker(Marker marker) {
        throw failure("writeMarker");
    }

    @Override
    public void clearMarker(String markerId, Instant now) {
        throw failure("clearMarker");
    }

    @Override
    public void appendEvent(JournalEvent event) {
        throw failure("appendEvent");
    }

    @Override
    public List<JournalEvent> recentEvents(int limit) {
        throw failure("recentEvents");
    }

    @Override
    public void close() {
        throw failure("close");
    }
}
