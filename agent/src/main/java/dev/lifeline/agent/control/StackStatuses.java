package dev.lifeline.agent.control;

import dev.lifeline.core.fleet.CommandKind;
import dev.lifeline.core.fleet.WorkloadStatus;
import dev.lifeline.core.fleet.wire.ReportedStack;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.supervise.ExitKind;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the heartbeat says about one stack: a status and a short detail, decided from the engine's view of its
 * containers and what the agent knows about operations on it. In this order:
 * <ol>
 *   <li>a control-plane command being applied: its transient status (a destroy is {@code stopping});
 *   <li>held by a backup job: {@code snapshotting};
 *   <li>held by another operation (a stop, a start, a restore): {@code stopping} under a stop marker, else
 *       {@code starting} while it is down; up, it falls through;
 *   <li>every container up and at least one paused, none running: {@code paused};
 *   <li>every container up: {@code running};
 *   <li>a down container that crashed (its exit code, or OOM): {@code error};
 *   <li>down while a start is promised (a start that failed and is retried): {@code error};
 *   <li>some containers up (and the rest exited cleanly): {@code running}, the detail saying how many;
 *   <li>else {@code stopped}.
 * </ol>
 */
public final class StackStatuses {
    static final int MAX_DETAIL = 200;

    private StackStatuses() {}

    /**
     * What the agent knows about a stack besides its containers.
     *
     * @param intent what the user decided
     * @param promised an open START (or backup QUIESCE) marker names it: it must come up
     * @param stopMarker an open STOP marker names it: a stop is in flight
     * @param heldBy the backup job holding it, if any
     * @param locked an operation holds its lock now
     * @param applying the control-plane command being applied to it, if any
     */
    public record Facts(Intent intent, boolean promised, boolean stopMarker, Optional<String> heldBy, boolean locked,
            Optional<CommandKind> applying) {}

    public static ReportedStack of(Stack stack, Facts facts) {
        List<ContainerInfo> containers = stack.containers();
        long running = containers.stream().filter(c -> c.status() == ContainerStatus.RUNNING).count();
        long paused = containers.stream().filter(c -> c.status() == ContainerStatus.PAUSED).count();
        long up = running + paused;
        String counts = up + "/" + containers.size() + " containers up";
        if (facts.applying().isPresent()) {
            CommandKind kind = facts.applying().get();
            WorkloadStatus status = kind.transientStatus().orElse(WorkloadStatus.STOPPING);
            return report(stack, status, "applying " + kind.wireName() + " from the control plane; " + counts);
        }
        if (facts.heldBy().isPresent()) {
            return report(stack, WorkloadStatus.SNAPSHOTTING, "held by " + facts.heldBy().get() + "; " + counts);
        }
        if (facts.locked() && facts.stopMarker()) {
            return report(stack, WorkloadStatus.STOPPING, "stopping; " + counts);
        }
        if (facts.locked() && !stack.isUp()) {
            return report(stack, WorkloadStatus.STARTING, "starting; " + counts);
        }
        if (stack.isUp() && paused > 0 && running == 0) {
            return report(stack, WorkloadStatus.PAUSED, paused + "/" + containers.size() + " containers paused");
        }
        if (stack.isUp()) {
            return report(stack, WorkloadStatus.RUNNING, counts + (paused > 0 ? " (" + paused + " paused)" : ""));
        }
        List<ContainerInfo> crashed = containers.stream().filter(c -> !c.isUp())
                .filter(c -> c.status() != ContainerStatus.CREATED)
                .filter(c -> ExitKind.of(c.exitCode(), c.oomKilled()) == ExitKind.CRASHED).toList();
        if (!crashed.isEmpty()) {
            return report(stack, WorkloadStatus.ERROR, "crashed: " + exits(crashed) + "; " + counts);
        }
        if (facts.promised() && facts.intent() == Intent.RUNNING) {
            return report(stack, WorkloadStatus.ERROR, "not started yet, retrying; " + counts);
        }
        if (up > 0) {
            return report(stack, WorkloadStatus.RUNNING, counts + "; exited cleanly: "
                    + exits(containers.stream().filter(c -> !c.isUp()).toList()));
        }
        return report(stack, WorkloadStatus.STOPPED, facts.intent() == Intent.USER_STOPPED
                ? "stopped by the user" : "not running");
    }

    private static String exits(List<ContainerInfo> containers) {
        return containers.stream().map(c -> c.name() + " exit " + c.exitCode() + (c.oomKilled() ? " (oom)" : ""))
                .collect(Collectors.joining(", "));
    }

    private static ReportedStack report(Stack stack, WorkloadStatus status, String detail) {
        String shortDetail = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL - 3) + "..." : detail;
        return new ReportedStack(stack.name().value(), status.wireName(), shortDetail);
    }
}
