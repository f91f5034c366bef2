package dev.lifeline.cli;

import dev.lifeline.core.model.StackName;
import java.time.Duration;

/** Shared by {@code stop} and {@code start}: send the command to the agent and report. */
abstract class StackAction implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Mixin
    DataDirOption dataDir;

    @picocli.CommandLine.Parameters(paramLabel = "STACK")
    String stack;

    @picocli.CommandLine.Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** {@code stop} or {@code start}. */
    abstract String action();

    @Override
    public Integer call() {
        return run(dataDir, stack, action(), json);
    }

    private static int run(DataDirOption dataDir, String stack, String action, boolean json) {
        if (!StackName.isValid(stack)) {
            System.err.println("lifeline: '" + stack + "' is not a valid stack name");
            return Main.USAGE;
        }
        AgentClient.Reply reply = AgentClient.forDataDir(dataDir.resolve())
                .post("/stacks/" + stack + "/" + action, Duration.ofMinutes(15));
        if (json) {
            System.out.println(reply.body().toPrettyString());
        } else if (reply.ok()) {
            System.out.println(stack + ": " + reply.body().get("detail").asText());
        } else {
            System.err.println("lifeline: " + action + " " + stack + ": "
                    + (reply.body().has("detail") ? reply.body().get("detail").asText() : reply.error()));
        }
        if (reply.status() == 404 || reply.status() == 400) {
            return Main.USAGE;
        }
        return reply.ok() ? Main.OK : Main.FAILED;
    }
}
