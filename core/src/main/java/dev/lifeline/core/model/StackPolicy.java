package dev.lifeline.core.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * Stack-level policy merged from the labels of its containers.
 *
 * @param protectedStack never stopped by Lifeline ({@code lifeline.protected=true}); still brought back after a reboot
 * @param tier           lower tiers start first ({@code lifeline.tier})
 * @param dependsOn      other stacks this one needs ({@code lifeline.depends-on})
 */
public record StackPolicy(boolean protectedStack, int tier, Set<StackName> dependsOn) {
    public static final StackPolicy DEFAULT = new StackPolicy(false, 0, Set.of());

    public StackPolicy {
        dependsOn = Set.copyOf(new TreeSet<>(dependsOn));
    }
}
