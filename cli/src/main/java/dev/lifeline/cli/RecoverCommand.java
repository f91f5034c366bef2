package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", description = "Show the boot plan the agent would execute now, with a reason per stack.")
final class RecoverCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--dry-run", required = true,
            description = "Only show the plan (recovery itself runs at every agent start).")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        AgentClient.Reply reply = AgentClient.forDataDir(dataDir.resolve()).get("/recovery/plan");
        if (!reply.ok()) {
            System.err.println("lifeline: " + reply.error());
            return Main.FAILED;
        }
        JsonNode plan = reply.body();
        if (json) {
            System.out.println(plan.toPrettyString());
            return Main.OK;
        }
        System.out.println("host rebooted since last recovery: " + plan.get("hostRebooted").asBoolean());
        plan.get("pendingMarkers").forEach(m -> System.out.println("interrupted operation: " + m.asText()));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("STACK", "DECISION", "REASON"));
        for (JsonNode d : plan.get("decisions")) {
            rows.add(List.of(d.get("stack").asText(), decision(d), d.get("reason").asText()));
        }
        Table.print(rows);
        int level = 1;
        for (JsonNode l : plan.get("levels")) {
            List<String> names = new ArrayList<>();
            l.forEach(n -> names.add(n.asText()));
            System.out.println("level " + level++ + ": " + String.join(", ", names));
        }
        plan.get("notes").forEach(n -> System.out.println("note: " + n.asText()));
        return Main.OK;
    }

    private static String decision(JsonNode d) {
        return d.has("decision") ? d.get("decision").asText() : "?";
    }
}
