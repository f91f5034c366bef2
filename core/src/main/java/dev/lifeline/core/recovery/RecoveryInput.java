package dev.lifeline.core.recovery;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything recovery decides from.
 *
 * @param stacks       what the engine has now
 * @param intents      the user's decisions
 * @param runningSet   the stacks last known running
 * @param hostRebooted the host booted since recovery last completed: every stack that is down was stopped by the
 *                     reboot, not by a person
 * @param mustStart    stacks that open markers promise to (re)start: an interrupted start or backup
 */
public record RecoveryInput(List<Stack> stacks, Map<StackName, IntentRecord> intents, Set<StackName> runningSet,
        boolean hostRebooted, Set<StackName> mustStart) {
    public RecoveryInput {
        stacks = List.copyOf(stacks);
        intents = Map.copyOf(intents);
        runningSet = Set.copyOf(runningSet);
        mustStart = Set.copyOf(mustStart);
    }
}
