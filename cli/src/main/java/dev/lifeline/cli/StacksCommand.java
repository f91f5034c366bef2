package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "stacks", description = "List stacks: state, intent, policy, containers.")
final class StacksCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        AgentClient.Reply reply = AgentClient.forDataDir(dataDir.resolve()).get("/stacks");
        if (!reply.ok()) {
            System.err.println("lifeline: " + reply.error());
            return Main.FAILED;
        }
        if (json) {
            System.out.println(reply.body().toPrettyString());
            return Main.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("STACK", "STATE", "INTENT", "TIER", "DEPENDS ON", "CONTAINERS", "NOTES"));
        for (JsonNode s : reply.body()) {
            long up = 0;
            for (JsonNode c : s.get("containers")) {
                if (c.get("status").asText().equals("running")) {
                    up++;
                }
            }
            List<String> deps = new ArrayList<>();
            s.get("dependsOn").forEach(d -> deps.add(d.asText()));
            String notes = (s.get("protectedStack").asBoolean() ? "protected " : "")
                    + (s.get("problems").isEmpty() ? "" : s.get("problems").size() + " label problem(s)");
            rows.add(List.of(s.get("name").asText(), s.get("state").asText(), s.get("intent").asText(),
                    s.get("tier").asText(), deps.isEmpty() ? "-" : String.join(",", deps),
                    up + "/" + s.get("containers").size(), notes.isBlank() ? "" : notes.trim()));
        }
        Table.print(rows);
        return Main.OK;
    }
}
