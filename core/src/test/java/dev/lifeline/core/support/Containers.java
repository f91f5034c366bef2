package dev.lifeline.core.support;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import java.util.Map;
import java.util.Optional;

/** Builds {@link ContainerInfo} values for tests. */
public final class Containers {
    private Containers() {}

    public static ContainerInfo container(String name, Map<String, String> labels) {
        return new ContainerInfo("id-" + name, name, "image/" + name, labels, ContainerStatus.RUNNING, Health.NONE,
                Optional.empty(), Optional.empty(), 0, false, "no");
    }

    public static ContainerInfo container(String name, String... labelPairs) {
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return container(name, labels);
    }
}
