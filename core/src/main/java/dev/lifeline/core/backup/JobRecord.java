package dev.lifeline.core.backup;

import dev.lifeline.core.model.StackName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup job as the ledger keeps it: the fields it is looked up by, and the whole record as a JSON document (what
 * the API and CLI show).
 *
 * @param id         the job id
 * @param createdAt  when the job was asked for
 * @param phase      where it is (a job the agent died in stays non-terminal until the next start records it failed)
 * @param stacks     the stacks the job concerns (selected ones), for lookups by stack
 * @param finishedAt when it ended
 * @param document   the full record as JSON
 */
public record JobRecord(String id, Instant createdAt, JobPhase phase, List<StackName> stacks,
        Optional<Instant> finishedAt, String document) {
    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(phase, "phase");
        stacks = List.copyOf(stacks);
        Objects.requireNonNull(document, "document");
    }
}
