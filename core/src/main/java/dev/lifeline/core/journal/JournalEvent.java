package dev.lifeline.core.journal;

import java.time.Instant;
import java.util.Map;

/** One entry of the local event log (what the agent did or saw and why). */
public record JournalEvent(Instant at, String kind, String stack, Map<String, String> fields) {
    public JournalEvent {
        stack = stack == null ? "" : stack;
        fields = Map.copyOf(fields);
    }
}
