package dev.lifeline.core.engine;

import java.time.Instant;
import java.util.Map;

/**
 * A container event from the engine stream: {@code start}, {@code die}, {@code kill}, {@code stop}, {@code oom},
 * {@code health_status}, {@code destroy}... Podman does not emit {@code stop} on every stop; {@code die} is reliable.
 */
public record EngineEvent(String containerId, String action, Instant time, Map<String, String> attributes) {
    public EngineEvent {
        attributes = Map.copyOf(attributes);
    }

    public String attribute(String key) {
        return attributes.get(key);
    }
}
