package dev.lifeline.core.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One container as the engine reports it (list + inspect). Timestamps are empty when the engine
 * reports none (never started, never finished).
 */
public record ContainerInfo(
        String id,
        String name,
        String image,
        Map<String, String> labels,
        ContainerStatus status,
        Health health,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        int exitCode,
        boolean oomKilled,
        String restartPolicy) {

    public ContainerInfo {
        labels = Map.copyOf(labels);
        restartPolicy = restartPolicy == null ? "" : restartPolicy;
    }

    public boolean isUp() {
        return status.isUp();
    }

    public String label(String key) {
        return labels.get(key);
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
