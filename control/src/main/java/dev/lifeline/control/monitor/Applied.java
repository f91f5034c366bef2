package dev.lifeline.control.monitor;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a batch of actions changed.
 *
 * @param counts the writes that took effect, by kind (a compare-and-set that lost is not counted)
 * @param settled the workloads whose status the batch changed
 * @param raced hosts where a compare-and-set lost to someone else's write: they are looked at again next pass
 * @param unreachable the hosts the batch marked unreachable
 */
public record Applied(Map<ActionKind, Integer> counts, Set<Long> settled, Set<UUID> raced, Set<UUID> unreachable) {
    public Applied {
        counts = Map.copyOf(counts);
        settled = Set.copyOf(settled);
        raced = Set.copyOf(raced);
        unreachable = Set.copyOf(unreachable);
    }

    public int count(ActionKind kind) {
        return counts.getOrDefault(kind, 0);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
