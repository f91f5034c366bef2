package dev.lifeline.core.recovery;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.supervise.ExitKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides, per stack, what boot or crash recovery does. Pure: the same input always gives the same plan.
 *
 * <p>A stack is started when the user's intent is {@code running}, it was running before (running set) and it is not
 * fully up now. When the host did not reboot, a stack that went down while no agent was watching is only started if
 * its containers crashed; if they exited like a deliberate stop, someone stopped it and that decision is kept.
 */
public final class RecoveryPlanner {

    private RecoveryPlanner() {}

    public static List<StackDecision> plan(RecoveryInput input) {
        Map<StackName, Stack> byName = new TreeMap<>();
        input.stacks().forEach(s -> byName.put(s.name(), s));
        List<StackDecision> decisions = new ArrayList<>();
        for (Stack stack : byName.values()) {
            decisions.add(decide(stack, input));
        }
        input.runningSet().stream().sorted().filter(name -> !byName.containsKey(name))
                .forEach(name -> decisions.add(new StackDecision.Forget(name,
                        "was running before but has no containers in the engine any more")));
        return List.copyOf(decisions);
    }

    private static StackDecision decide(Stack stack, RecoveryInput input) {
        StackName name = stack.name();
        IntentRecord intent = input.intents().get(name);
        if (intent != null && intent.intent() == Intent.USER_STOPPED) {
            return new StackDecision.LeaveStopped(name, "stopped by the user (" + intent.reason() + ")");
        }
        if (stack.isUp()) {
            return new StackDecision.AlreadyUp(name, "running");
        }
        if (input.mustStart().contains(name)) {
            return new StackDecision.Start(name, "an interrupted operation promised to start it again");
        }
        if (!input.runningSet().contains(name)) {
            return new StackDecision.NotStarted(name, "Lifeline never saw it running");
        }
        List<ContainerInfo> down = stack.containers().stream().filter(c -> !c.isUp()).toList();
        if (input.hostRebooted()) {
            return new StackDecision.Start(name, "was running before the host rebooted");
        }
        List<ContainerInfo> crashed = down.stream()
                .filter(c -> ExitKind.of(c.exitCode(), c.oomKilled()) == ExitKind.CRASHED).toList();
        if (crashed.isEmpty()) {
            return new StackDecision.AdoptUserStop(name,
                    "stopped while the agent was not running, like a deliberate stop (" + exits(down) + ")");
        }
        return new StackDecision.Start(name, "was running before the agent stopped; crashed (" + exits(crashed) + ")");
    }

    private static String exits(List<ContainerInfo> containers) {
        return containers.stream()
                .map(c -> c.name() + " exit " + c.exitCode() + (c.oomKilled() ? " oom" : ""))
                .collect(Collectors.joining(", "));
    }
}
