package dev.lifeline.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the monitor does for one host in one pass.
 *
 * @param actions the steps, in a stable order (workloads by name, then stacks discovered, by name)
 * @param nextCheck when the monitor must plan this host again even if no news comes (stored as the host's
 *     {@code next_check_at}): the earliest instant a grace of one of its workloads runs out (a zombie's destroy
 *     counts as a command: looked at again after the transient grace), or the next pass when a grace has run out
 *     and the report that settles it has not arrived yet, or when a mass silence holds an action. Empty: only news
 *     (a new report) can change the plan.
 */
public record HostPlan(List<MonitorAction> actions, Optional<Instant> nextCheck) {
    private static final HostPlan NONE = new HostPlan(List.of(), Optional.empty());

    public HostPlan {
        actions = List.copyOf(actions);
    }

    public static HostPlan none() {
        return NONE;
    }
}
