package dev.lifeline.agent.report;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import java.util.List;
import java.util.Locale;

/**
 * One stack as the agent reports it: the local API's listing today, the heartbeat's stack report to the control
 * plane later. Plain values only, so it serializes the same everywhere.
 */
public record StackReport(String name, String source, String state, String intent, String intentReason,
        boolean protectedStack, int tier, List<String> dependsOn, boolean inRunningSet, List<ContainerReport> containers,
        List<String> problems) {

    public record ContainerReport(String name, String id, String image, String status, String health, String startedAt,
            String finishedAt, int exitCode, boolean oomKilled, String restartPolicy) {
        static ContainerReport of(ContainerInfo c) {
            return new ContainerReport(c.name(), c.shortId(), c.image(), lower(c.status().name()),
                    lower(c.health().name()), c.startedAt().map(Object::toString).orElse(null),
                    c.finishedAt().map(Object::toString).orElse(null), c.exitCode(), c.oomKilled(), c.restartPolicy());
        }
    }

    public static StackReport of(Stack s, IntentRecord intent, boolean inRunningSet) {
        String state = s.isUp() ? "up" : s.anyUp() ? "partial" : "down";
        return new StackReport(s.name().value(), lower(s.source().name()), state,
                intent == null ? Intent.RUNNING.wireName() : intent.intent().wireName(),
                intent == null ? "default" : intent.reason(), s.isProtected(), s.policy().tier(),
                s.policy().dependsOn().stream().map(StackName::value).toList(), inRunningSet,
                s.containers().stream().map(ContainerReport::of).toList(),
                s.problems().stream().map(LabelProblem::toString).toList());
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
