package dev.lifeline.core.backup;

import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.StackName;
import java.util.List;

/**
 * What a backup job quiesces, in which order, and what it leaves alone.
 *
 * @param quiesceOrder the stacks to quiesce, dependents before their dependencies
 * @param excluded     the stacks left alone, with the reason, sorted by name
 * @param problems     quiesce labels that could not be used as written (the plan says what it did instead)
 * @param notes        ordering that could not be honoured (dependency cycles, tiers against dependencies)
 */
public record QuiescePlan(List<QuiesceTarget> quiesceOrder, List<Exclusion> excluded, List<LabelProblem> problems,
        List<String> notes) {
    public QuiescePlan {
        quiesceOrder = List.copyOf(quiesceOrder);
        excluded = List.copyOf(excluded);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** The reverse of the quiesce order: dependencies first. */
    public List<QuiesceTarget> resumeOrder() {
        return quiesceOrder.reversed();
    }

    public List<StackName> stacks() {
        return quiesceOrder.stream().map(QuiesceTarget::stack).toList();
    }
}
