package dev.lifeline.core.journal;

import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Durable record of a disruptive operation in flight, written before its first step and cleared after its last.
 *
 * @param id       unique id
 * @param kind     what must be finished after a crash
 * @param owner    who opened it (a job id, {@code cli}, {@code api}, {@code recovery})
 * @param stacks   the stacks concerned, in the order they were acted on
 * @param deadline when the operation must be undone no matter what (max-quiesce bound); may equal createdAt
 * @param quiesced for a {@link MarkerKind#QUIESCE} marker, how each stack is quiesced; empty for the other kinds
 */
public record Marker(String id, MarkerKind kind, String owner, List<StackName> stacks, Instant createdAt,
        Instant deadline, Map<StackName, QuiescedStack> quiesced) {
    public Marker {
        stacks = List.copyOf(stacks);
        quiesced = Map.copyOf(quiesced);
    }

    /** A marker of a stop or start (nothing quiesced). */
    public Marker(String id, MarkerKind kind, String owner, List<StackName> stacks, Instant createdAt,
            Instant deadline) {
        this(id, kind, owner, stacks, createdAt, deadline, Map.of());
    }
}
