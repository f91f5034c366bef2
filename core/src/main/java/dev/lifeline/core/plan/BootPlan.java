package dev.lifeline.core.plan;

import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order in which to start stacks: levels started one after the other, the stacks of a level in parallel.
 *
 * <p>A stack starts after the stacks it depends on ({@code lifeline.depends-on}) that are to be started too (one
 * already up satisfies the dependency), and after every stack to start of a lower tier. When a dependency points to
 * a higher tier, the tier wins and a note says so. Cycles are broken in (tier, name) order, with a note each.
 *
 * @param levels the stacks of {@code toStart}, level by level, each level sorted by (tier, name)
 * @param notes  what the plan could not honour, in a stable order, for logs and the journal
 */
public record BootPlan(List<List<StackName>> levels, List<String> notes) {

    public BootPlan {
        levels = levels.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }

    public List<StackName> order() {
        return levels.stream().flatMap(List::stream).toList();
    }

    public static BootPlan plan(Collection<Stack> toStart, Set<StackName> alreadyUp) {
        Map<StackName, Stack> stacks = new TreeMap<>();
        toStart.forEach(s -> stacks.put(s.name(), s));
        Comparator<StackName> order = Comparator.<StackName>comparingInt(n -> stacks.get(n).policy().tier())
                .thenComparing(Comparator.naturalOrder());

        List<String> notes = new ArrayList<>();
        Map<StackName, Set<StackName>> dependencies = new TreeMap<>();
        for (Stack stack : stacks.values()) {
            StackName name = stack.name();
            int tier = stack.policy().tier();
            Set<StackName> needs = new TreeSet<>();
            for (StackName dependency : new TreeSet<>(stack.policy().dependsOn())) {
                Stack other = stacks.get(dependency);
                if (other == null) {
                    if (!alreadyUp.contains(dependency)) {
                        notes.add(name + " depends on " + dependency + ", which is not running and will not be started;"
                                + " starting " + name + " anyway");
                    }
                } else if (other.policy().tier() > tier) {
                    notes.add(name + " (tier " + tier + ") depends on " + dependency + " (tier "
                            + other.policy().tier() + "); tiers come first, so " + dependency + " starts after "
                            + name);
                } else {
                    needs.add(dependency);
                }
            }
            for (Stack other : stacks.values()) {
                if (other.policy().tier() < tier) {
                    needs.add(other.name());
                }
            }
            dependencies.put(name, needs);
        }

        Layering.Result<StackName> layering = Layering.layers(stacks.keySet(), dependencies, order);
        notes.addAll(layering.cycleNotes(StackName::value));
        return new BootPlan(layering.levels(), notes);
    }
}
