package dev.lifeline.agent.command;

import dev.lifeline.core.journal.Journal;
import dev.lifeline.core.journal.Marker;
import dev.lifeline.core.journal.MarkerKind;
import dev.lifeline.core.model.StackName;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * The open START markers: promises to bring stacks up (an interrupted user start, or stacks recovery could not
 * start). A promise for a stack ends when the stack is up, or when the user stops it.
 */
public final class StartPromises {
    private StartPromises() {}

    /**
     * Removes {@code stack} from every open START marker: the new marker (the other stacks) is written before the old
     * one is cleared, so a crash in between leaves the others promised twice, never not at all.
     */
    public static void withdraw(Journal journal, InstantSource clock, StackName stack) {
        for (Marker m : journal.openMarkers()) {
            if (m.kind() != MarkerKind.START || !m.stacks().contains(stack)) {
                continue;
            }
            List<StackName> rest = m.stacks().stream().filter(s -> !s.equals(stack)).toList();
            if (!rest.isEmpty()) {
                journal.writeMarker(new Marker(UUID.randomUUID().toString(), m.kind(), m.owner(), rest,
                        m.createdAt(), m.deadline()));
            }
            journal.clearMarker(m.id(), clock.instant());
        }
    }
}
