package dev.lifeline.agent.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeline.core.engine.DataMount;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the engine's answers to list and inspect (Docker Engine API JSON, the same from Podman's compatible API)
 * into the core model. The answers are read as JSON trees, not bound to docker-java's model classes: Lifeline uses a
 * dozen of their fields, and binding the whole response graph cost a fresh agent's first inspect a quarter of a
 * second of CPU (databind builds its deserializers at first use), in the middle of a recovery.
 */
final class InspectMapper {
    private InspectMapper() {}

    private static final Pattern EXITED = Pattern.compile("^Exited \\((-?\\d+)\\)");

    /** One mapper for every answer; made with the first one. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    static JsonNode read(InputStream body) throws IOException {
        return Json.MAPPER.readTree(body);
    }

    static JsonNode read(byte[] body) throws IOException {
        return Json.MAPPER.readTree(body);
    }

    /**
     * The exit code the list call shows in its status text ("Exited (143) 2 minutes ago", the same on Docker and
     * Podman), if it shows one.
     */
    static OptionalInt listedExitCode(String status) {
        if (status == null) {
            return OptionalInt.empty();
        }
        Matcher m = EXITED.matcher(status.trim());
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The state of one entry of the list call ({@code State}: running, exited, ...). */
    static ContainerStatus listedStatus(JsonNode listed) {
        return ContainerStatus.parse(text(listed, "State"));
    }

    static OptionalInt listedExitCode(JsonNode listed) {
        return listedExitCode(text(listed, "Status"));
    }

    static String id(JsonNode node) {
        return text(node, "Id");
    }

    /**
     * A container as the list call shows it, without an inspect: its health, start and finish times and restart
     * policy are unknown (reported as none, empty and ""), and OOM kills cannot be seen.
     */
    static ContainerInfo fromList(JsonNode c) {
        JsonNode names = c.path("Names");
        String name = names.isArray() && !names.isEmpty() ? stripSlash(names.get(0).asText()) : id(c);
        return new ContainerInfo(id(c), name, text(c, "Image"), labels(c.path("Labels")), listedStatus(c),
                Health.NONE, Optional.empty(), Optional.empty(), listedExitCode(c).orElse(0), false, "");
    }

    static ContainerInfo fromInspect(JsonNode r) {
        JsonNode config = r.path("Config");
        String image = text(config, "Image");
        if (image.isEmpty()) {
            image = text(r, "Image");
        }
        JsonNode state = r.path("State");
        boolean known = state.isObject();
        return new ContainerInfo(
                id(r),
                stripSlash(text(r, "Name")),
                image,
                labels(config.path("Labels")),
                known ? ContainerStatus.parse(text(state, "Status")) : ContainerStatus.UNKNOWN,
                known ? health(state.path("Health")) : Health.NONE,
                EngineTimes.parse(text(state, "StartedAt")),
                EngineTimes.parse(text(state, "FinishedAt")),
                state.path("ExitCode").asInt(0),
                state.path("OOMKilled").asBoolean(false),
                text(r.path("HostConfig").path("RestartPolicy"), "Name"));
    }

    /** The container's bind mounts and named volumes that have a source on the host. */
    static List<DataMount> mounts(JsonNode r) {
        List<DataMount> mounts = new ArrayList<>();
        for (JsonNode m : r.path("Mounts")) {
            String source = text(m, "Source");
            if (source.isBlank()) {
                continue;
            }
            String volumeName = text(m, "Name");
            boolean volume = !volumeName.isBlank();
            boolean readOnly = m.has("RW") && !m.path("RW").asBoolean(true);
            mounts.add(new DataMount(volume ? "volume" : "bind", volume ? volumeName : "", Path.of(source),
                    text(m, "Destination"), readOnly));
        }
        return mounts;
    }

    static String stripSlash(String name) {
        if (name == null) {
            return "";
        }
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static Health health(JsonNode h) {
        return h.isObject() ? Health.parse(text(h, "Status")) : Health.NONE;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getValue().isTextual()) {
                    labels.put(e.getKey(), e.getValue().textValue());
                }
            });
        }
        return labels;
    }

    /** A text field, or "" when it is missing, null or not text. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.textValue() : "";
    }
}
