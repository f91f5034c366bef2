package dev.lifeline.core.policy;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.StackName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads a container's policy labels. Never fails: a label it cannot use becomes a {@link LabelProblem}. */
public final class PolicyParser {
    public static final int MIN_TIER = -1000;
    public static final int MAX_TIER = 1000;

    private PolicyParser() {}

    /** The compose services a container depends on, with the entries that could not be read. */
    public record ComposeDependencies(Set<String> services, List<LabelProblem> problems) {
        public ComposeDependencies {
            services = Set.copyOf(services);
            problems = List.copyOf(problems);
        }
    }

    public static ContainerPolicy parse(ContainerInfo container) {
        return parse(container.name(), container.labels());
    }

    public static ContainerPolicy parse(String container, Map<String, String> labels) {
        List<LabelProblem> problems = new ArrayList<>();
        boolean protectedFlag = parseProtected(container, labels.get(Labels.PROTECTED), problems);
        OptionalInt tier = parseTier(container, labels.get(Labels.TIER), problems);
        Set<StackName> dependsOn = parseDependsOn(container, labels.get(Labels.DEPENDS_ON), problems);
        QuiesceMode quiesce = parseQuiesce(container, labels.get(Labels.QUIESCE), problems);
        Optional<String> prepare = nonBlank(labels.get(Labels.QUIESCE_PREPARE));
        Optional<String> pre = nonBlank(labels.get(Labels.QUIESCE_PRE));
        Optional<String> post = nonBlank(labels.get(Labels.QUIESCE_POST));
        if (quiesce == QuiesceMode.HOOK && pre.isEmpty() && post.isEmpty()) {
            problems.add(new LabelProblem(container, Labels.QUIESCE, labels.get(Labels.QUIESCE),
                    "quiesce=hook needs " + Labels.QUIESCE_PRE + " or " + Labels.QUIESCE_POST
                            + "; using " + QuiesceMode.DEFAULT.labelValue()));
            quiesce = QuiesceMode.DEFAULT;
        }
        return new ContainerPolicy(protectedFlag, tier, dependsOn, quiesce, prepare, pre, post,
                nonBlank(labels.get(Labels.VERIFY)), problems);
    }

    /**
     * Reads compose v2's {@code com.docker.compose.depends_on}: comma-separated {@code service:condition:restart}
     * entries, condition and restart optional. Empty entries are ignored; an entry without a service is a problem.
     */
    public static ComposeDependencies parseComposeDependsOn(String container, String value) {
        if (value == null || value.isBlank()) {
            return new ComposeDependencies(Set.of(), List.of());
        }
        Set<String> services = new LinkedHashSet<>();
        List<LabelProblem> problems = new ArrayList<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String service = trimmed.split(":", -1)[0].trim();
            if (service.isEmpty()) {
                problems.add(new LabelProblem(container, Labels.COMPOSE_DEPENDS_ON, value,
                        "entry '" + trimmed + "' names no service; ignored"));
            } else {
                services.add(service);
            }
        }
        return new ComposeDependencies(services, problems);
    }

    private static boolean parseProtected(String container, String value, List<LabelProblem> problems) {
        if (value == null) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> {
                problems.add(new LabelProblem(container, Labels.PROTECTED, value,
                        "expected true or false (also yes/no, 1/0); treating the container as not protected"));
                yield false;
            }
        };
    }

    private static OptionalInt parseTier(String container, String value, List<LabelProblem> problems) {
        if (value == null) {
            return OptionalInt.empty();
        }
        String message = "expected an integer from " + MIN_TIER + " to " + MAX_TIER + "; ignoring the tier";
        try {
            int tier = Integer.parseInt(value.trim());
            if (tier >= MIN_TIER && tier <= MAX_TIER) {
                return OptionalInt.of(tier);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new LabelProblem(container, Labels.TIER, value, message));
        return OptionalInt.empty();
    }

    private static Set<StackName> parseDependsOn(String container, String value, List<LabelProblem> problems) {
        if (value == null) {
            return Set.of();
        }
        Set<StackName> names = new LinkedHashSet<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (StackName.isValid(trimmed)) {
                names.add(StackName.of(trimmed));
            } else {
                problems.add(new LabelProblem(container, Labels.DEPENDS_ON, value,
                        "'" + trimmed + "' is not a valid stack name; ignoring this dependency"));
            }
        }
        return names;
    }

    private static QuiesceMode parseQuiesce(String container, String value, List<LabelProblem> problems) {
        if (value == null) {
            return QuiesceMode.DEFAULT;
        }
        Optional<QuiesceMode> mode = QuiesceMode.fromLabel(value);
        if (mode.isEmpty()) {
            problems.add(new LabelProblem(container, Labels.QUIESCE, value,
                    "expected stop, pause, hook or none; using " + QuiesceMode.DEFAULT.labelValue()));
        }
        return mode.orElse(QuiesceMode.DEFAULT);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
