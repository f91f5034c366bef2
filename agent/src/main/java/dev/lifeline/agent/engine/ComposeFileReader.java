package dev.lifeline.agent.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.ComposeProject;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@code services.*.depends_on} from a compose project's files (list or map form), merged across files.
 * Never throws: a file that cannot be used is reported as {@link ComposeFiles.Unreadable}. Parsed files are cached
 * by path, modification time and size.
 */
public final class ComposeFileReader implements ComposeFiles {
    private final YAMLMapper yaml = new YAMLMapper();
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long mtimeNanos, long size, Map<String, Set<String>> dependsOn) {}

    /** Signals one file that cannot be used, with the reason. */
    private static final class FileProblem extends Exception {
        FileProblem(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Splits the {@code com.docker.compose.project.config_files} label (comma-separated). */
    public static List<String> splitConfigFiles(String label) {
        List<String> out = new ArrayList<>();
        if (label == null) {
            return out;
        }
        for (String part : label.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    @Override
    public Result dependsOn(ComposeProject project) {
        Map<String, Set<String>> merged = new TreeMap<>();
        for (String entry : project.configFiles()) {
            for (String name : splitConfigFiles(entry)) {
                Path file = resolve(project.workingDir(), name);
                try {
                    read(file).forEach((service, deps) ->
                            merged.computeIfAbsent(service, k -> new LinkedHashSet<>()).addAll(deps));
                } catch (FileProblem p) {
                    return new Unreadable(file.toString(), p.getMessage());
                }
            }
        }
        Map<String, Set<String>> frozen = new TreeMap<>();
        merged.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return new Found(frozen);
    }

    private static Path resolve(String workingDir, String name) {
        Path p = Path.of(name);
        if (p.isAbsolute() || workingDir == null || workingDir.isBlank()) {
            return p.normalize();
        }
        return Path.of(workingDir).resolve(p).normalize();
    }

    private Map<String, Set<String>> read(Path file) throws FileProblem {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FileProblem("no such file");
        } catch (AccessDeniedException e) {
            throw new FileProblem("permission denied");
        } catch (IOException e) {
            throw new FileProblem("cannot read: " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            throw new FileProblem("not a regular file");
        }
        long mtime = attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        Cached cached = cache.get(file);
        if (cached != null && cached.mtimeNanos() == mtime && cached.size() == attrs.size()) {
            return cached.dependsOn();
        }
        Map<String, Set<String>> parsed = parse(file);
        cache.put(file, new Cached(mtime, attrs.size(), parsed));
        return parsed;
    }

    private Map<String, Set<String>> parse(Path file) throws FileProblem {
        JsonNode root;
        try {
            root = yaml.readTree(Files.readAllBytes(file));
        } catch (AccessDeniedException e) {
            throw new FileProblem("permission denied");
        } catch (JacksonException e) {
            throw new FileProblem("malformed YAML: " + e.getOriginalMessage().strip()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (IOException e) {
            throw new FileProblem("cannot read: " + e.getMessage());
        }
        Map<String, Set<String>> out = new TreeMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new FileProblem("not a compose file: the top level is not a map");
        }
        JsonNode services = root.path("services");
        if (services.isMissingNode() || services.isNull()) {
            return out;
        }
        if (!services.isObject()) {
            throw new FileProblem("'services' is not a map");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            out.put(service.getKey(), dependencies(service.getKey(), service.getValue()));
        }
        return out;
    }

    private static Set<String> dependencies(String service, JsonNode definition) throws FileProblem {
        Set<String> deps = new LinkedHashSet<>();
        JsonNode dependsOn = definition == null ? null : definition.get("depends_on");
        if (dependsOn == null || dependsOn.isNull()) {
            return deps;
        }
        if (dependsOn.isArray()) {
            for (JsonNode item : dependsOn) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw new FileProblem("services." + service + ".depends_on: list items must be service names");
                }
                deps.add(item.asText());
            }
        } else if (dependsOn.isObject()) {
            dependsOn.fieldNames().forEachRemaining(deps::add);
        } else {
            throw new FileProblem("services." + service + ".depends_on must be a list of names or a map");
        }
        return deps;
    }
}
