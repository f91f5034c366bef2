package dev.lifeline.core.engine;

import java.util.Map;
import java.util.Set;

/**
 * Port that reads the {@code depends_on} of a compose project's files, for engines whose compose tool does not
 * write the {@code com.docker.compose.depends_on} label (podman-compose, docker-compose v1).
 */
public interface ComposeFiles {

    /** Service name to the services it depends on, or a problem saying which file could not be read and why. */
    Result dependsOn(ComposeProject project);

    sealed interface Result permits Found, Unreadable {}

    record Found(Map<String, Set<String>> dependsOn) implements Result {
        public Found {
            dependsOn = Map.copyOf(dependsOn);
        }
    }

    record Unreadable(String file, String reason) implements Result {}

    /** For engines or tests without compose files. */
    ComposeFiles NONE = project -> new Found(Map.of());
}
