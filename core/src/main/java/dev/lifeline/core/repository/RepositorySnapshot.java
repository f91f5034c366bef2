package dev.lifeline.core.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stored snapshot. {@code paths} are the absolute paths the tool saw at backup time (informational: restores
 * use the relative layout); {@code tags} are its key/value tags (a tag without {@code =} has an empty value).
 */
public record RepositorySnapshot(String id, String shortId, Instant time, List<String> paths,
        Map<String, String> tags, String hostname) {
    public RepositorySnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        paths = paths == null ? List.of() : List.copyOf(paths);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        shortId = shortId == null ? id.substring(0, Math.min(8, id.length())) : shortId;
        hostname = hostname == null ? "" : hostname;
    }
}
