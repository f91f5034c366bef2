package dev.lifeline.control.store.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one host's records and its latest report disagree: the workload rows that have no stack in the report, or a
 * different status or detail, or a status that is not settled; and the report's stacks that have no row, or a
 * different status or detail. A settled row whose stack the report lists with the same status and detail is left
 * out, since no rule of the monitor acts on it.
 */
public record HostDifferences(List<WorkloadRow> rows, List<ListedStack> listed) {

    public static HostDifferences none() {
        return new HostDifferences(List.of(), List.of());
    }

    static HostDifferences empty() {
        return new HostDifferences(new ArrayList<>(), new ArrayList<>());
    }
}
