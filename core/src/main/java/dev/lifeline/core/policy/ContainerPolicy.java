package dev.lifeline.core.policy;

import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.StackName;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy one container's labels ask for, with the labels that could not be used.
 *
 * @param protectedFlag {@code lifeline.protected}; false when absent or invalid
 * @param tier          {@code lifeline.tier}; empty when absent or invalid (the container does not take part in the
 *                      stack's tier)
 * @param dependsOn     the valid stack names of {@code lifeline.depends-on}
 * @param quiesce       {@code lifeline.quiesce}; {@link QuiesceMode#DEFAULT} when absent or invalid
 * @param quiescePrepare {@code lifeline.quiesce.prepare} when set and not blank
 * @param quiescePre    {@code lifeline.quiesce.pre} when set and not blank
 * @param quiescePost   {@code lifeline.quiesce.post} when set and not blank
 * @param verify        {@code lifeline.verify} when set and not blank
 * @param problems      one per label that could not be used (fully or partly)
 */
public record ContainerPolicy(
        boolean protectedFlag,
        OptionalInt tier,
        Set<StackName> dependsOn,
        QuiesceMode quiesce,
        Optional<String> quiescePrepare,
        Optional<String> quiescePre,
        Optional<String> quiescePost,
        Optional<String> verify,
        List<LabelProblem> problems) {

    public ContainerPolicy {
        dependsOn = Set.copyOf(new TreeSet<>(dependsOn));
        problems = List.copyOf(problems);
    }
}
