package dev.lifeline.core.plan;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which to start the containers of one stack, from its container dependencies (compose's
 * {@code depends_on}). Stop in the reverse order.
 *
 * @param levels container names, level by level, each level sorted by name
 * @param notes  the dependency cycles that were broken, prefixed with the stack's name
 */
public record ContainerOrder(List<List<String>> levels, List<String> notes) {

    public ContainerOrder {
        levels = levels.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }

    public static ContainerOrder levels(Stack stack) {
        List<String> names = stack.containers().stream().map(ContainerInfo::name).toList();
        Layering.Result<String> result = Layering.layers(names, stack.containerDependencies(),
                Comparator.naturalOrder());
        return new ContainerOrder(result.levels(),
                result.cycleNotes(name -> name).stream().map(note -> "stack " + stack.name() + ": " + note).toList());
    }

    /** Start order, flattened. */
    public List<String> startOrder() {
        return levels.stream().flatMap(List::stream).toList();
    }

    /** Stop order: dependents before their dependencies, flattened. */
    public List<String> stopOrder() {
        return levels.reversed().stream().flatMap(List::stream).toList();
    }
}
