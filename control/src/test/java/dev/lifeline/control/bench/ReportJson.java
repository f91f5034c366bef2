package dev.lifeline.control.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lifeline.core.fleet.ReportedWorkload;
import dev.lifeline.core.fleet.WorkloadStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a host's stored report ({@code hosts.report}: {@code [{"name": ..., "status": ..., "detail": ...}]}, as the
 * ingest wrote it) in Java, as the naive baseline does, with Jackson's streaming parser.
 */
final class ReportJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ReportJson() {}

    /** @throws IllegalArgumentException naming what is wrong when the text is not such a report */
    static List<ReportedWorkload> parse(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken() == JsonToken.START_ARRAY, "an array of stacks");
            List<ReportedWorkload> stacks = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String name = null;
                String status = null;
                String detail = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "name" -> name = p.getValueAsString();
                        case "status" -> status = p.getValueAsString();
                        case "detail" -> detail = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                        default -> p.skipChildren();
                    }
                }
                expect(name != null && status != null, "every stack to have a name and a status");
                stacks.add(new ReportedWorkload(name, WorkloadStatus.fromWire(status), detail));
            }
            expect(p.currentToken() == JsonToken.END_ARRAY, "only stack objects in the array");
            return stacks;
        } catch (IOException e) {
            throw new IllegalArgumentException("stored report is not JSON: " + e.getMessage(), e);
        }
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("stored report is malformed: expected " + what);
        }
    }
}
