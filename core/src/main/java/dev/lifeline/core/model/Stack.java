package dev.lifeline.core.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unit users think in: containers started, stopped and backed up together.
 *
 * @param containerDependencies container name to the names of containers (same stack) it must start after
 * @param problems              labels or compose files that could not be used, reported but never fatal
 */
public record Stack(
        StackName name,
        StackSource source,
        List<ContainerInfo> containers,
        StackPolicy policy,
        Map<String, Set<String>> containerDependencies,
        List<LabelProblem> problems) {

    public Stack {
        containers = List.copyOf(containers);
        containerDependencies = Map.copyOf(containerDependencies);
        problems = List.copyOf(problems);
    }

    /** Every container is running (or paused). */
    public boolean isUp() {
        return !containers.isEmpty() && containers.stream().allMatch(ContainerInfo::isUp);
    }

    public boolean anyUp() {
        return containers.stream().anyMatch(ContainerInfo::isUp);
    }

    public boolean isProtected() {
        return policy.protectedStack();
    }
}
