package dev.lifeline.core.journal;

import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.List;

/**
 * Durable record of a disruptive operation in flight, written before its first step and cleared after its last.
 *
 * @param id       unique id
 * @param kind     what must be finished after a crash
 * @param owner    who opened it (a job id, {@code cli}, {@code api}, {@code recovery})
 * @param stacks   the stacks concerned, in the order they were acted on
 * @param deadline when the operation must be undone no matter what (max-quiesce bound); may equal createdAt
 */
public record Marker(String id, MarkerKind kind, String owner, List<StackName> stacks, Instant createdAt,
        Instant deadline) {
    public Marker {
        stacks = List.copyOf(stacks);
    }
}
