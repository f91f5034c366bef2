package dev.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.cli.fleet.ControlRefused;
import dev.lifeline.control.http.Json;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Prints a fleet listing as a JSON array (--json) or as a table, and maps a refusal to the CLI's exit codes. */
final class FleetListing {
    private static final ObjectMapper JSON = Json.mapper();

    private FleetListing() {}

    static int print(Supplier<List<JsonNode>> fetch, boolean json, Function<List<JsonNode>,
            List<List<String>>> table) {
        List<JsonNode> items;
        try {
            items = fetch.get();
        } catch (ControlRefused e) {
            System.err.println("lifeline: " + e.getMessage());
            return e.badUsage() ? Main.USAGE : Main.FAILED;
        }
        if (json) {
            System.out.println(JSON.createArrayNode().addAll(items).toPrettyString());
        } else {
            Table.print(table.apply(items));
        }
        return Main.OK;
    }
}
