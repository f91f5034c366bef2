package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", description = "Show the agent's local event log, newest last.")
final class EventsCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--limit", defaultValue = "50", description = "How many events (default 50).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        AgentClient.Reply reply = AgentClient.forDataDir(dataDir.resolve()).get("/events?limit=" + limit);
        if (!reply.ok()) {
            System.err.println("lifeline: " + reply.error());
            return reply.status() == 400 ? Main.USAGE : Main.FAILED;
        }
        if (json) {
            System.out.println(reply.body().toPrettyString());
            return Main.OK;
        }
        List<JsonNode> events = new ArrayList<>();
        reply.body().forEach(events::add);
        java.util.Collections.reverse(events);
        for (JsonNode e : events) {
            StringBuilder fields = new StringBuilder();
            e.get("fields").fields().forEachRemaining(f -> fields.append(' ').append(f.getKey()).append("=\"")
                    .append(f.getValue().asText()).append('"'));
            System.out.println(e.get("at").asText() + " " + e.get("kind").asText()
                    + (e.get("stack").asText().isEmpty() ? "" : " stack=" + e.get("stack").asText()) + fields);
        }
        return Main.OK;
    }
}
