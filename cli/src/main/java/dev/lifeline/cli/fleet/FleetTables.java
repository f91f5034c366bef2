package dev.lifeline.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rows of {@code lifeline hosts}, {@code workloads} and {@code audit} for people (the first row is the header). */
public final class FleetTables {
    private FleetTables() {}

    public static List<List<String>> hosts(List<JsonNode> hosts, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOSTNAME", "STATUS", "LAST HEARTBEAT", "AGENT", "TEAM", "WORKLOADS", "ID"));
        for (JsonNode h : hosts) {
            rows.add(List.of(h.get("hostname").asText(), h.get("status").asText(),
                    Ago.format(instant(h.get("lastHeartbeatAt")), now), text(h.get("agentVersion")),
                    h.get("team").asText(), counts(h.get("workloads")), h.get("id").asText()));
        }
        return rows;
    }

    public static List<List<String>> workloads(List<JsonNode> workloads, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOST", "WORKLOAD", "STATUS", "SINCE", "DETAIL"));
        for (JsonNode w : workloads) {
            rows.add(List.of(w.get("hostname").asText(), w.get("name").asText(), w.get("status").asText(),
                    Ago.format(instant(w.get("statusSince")), now), text(w.get("detail"))));
        }
        return rows;
    }

    /** Oldest first, as a timeline reads. */
    public static List<List<String>> audit(List<JsonNode> newestFirst) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("AT", "HOST", "WORKLOAD", "ACTION", "CHANGE", "BY", "OUTCOME", "REASON"));
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            JsonNode e = newestFirst.get(i);
            String change = e.get("beforeStatus").isNull() && e.get("afterStatus").isNull() ? "-"
                    : text(e.get("beforeStatus")) + " -> " + text(e.get("afterStatus"));
            String outcome = e.get("outcome").asText().equals("error") ? "error: " + text(e.get("error")) : "ok";
            rows.add(List.of(e.get("at").asText(), text(e.get("hostname")), text(e.get("workload")),
                    e.get("action").asText(), change, e.get("actorKind").asText() + ":" + e.get("actor").asText(),
                    outcome, e.get("reason").asText()));
        }
        return rows;
    }

    /** {@code 3 running, 1 stopped}, by status name. */
    static String counts(JsonNode counts) {
        Map<String, Integer> sorted = new TreeMap<>();
        counts.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue().asInt()));
        List<String> parts = new ArrayList<>();
        sorted.forEach((status, n) -> parts.add(n + " " + status));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asText());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "-" : node.asText();
    }
}
