package dev.lifeline.core.policy;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.ComposeProject;
import dev.lifeline.core.engine.ScratchContainer;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackPolicy;
import dev.lifeline.core.model.StackSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups containers into stacks and merges their policies.
 *
 * <p>A container's stack is its valid {@code lifeline.stack} label, else its valid {@code com.docker.compose.project}
 * label, else its own name (sanitized into a valid stack name). A stack is protected if any of its containers is, its
 * tier is the lowest tier its containers declare (0 when none does), and it depends on the union of the stacks its
 * containers depend on, minus itself.
 *
 * <p>Containers inside a stack depend on each other through compose's {@code depends_on}: read from the
 * {@code com.docker.compose.depends_on} label when the compose tool wrote it, else (compose stacks only) from the
 * compose files through the {@link ComposeFiles} port. Nothing here is fatal: problems are collected.
 *
 * <p>Scratch containers (label {@code lifeline.scratch=true}, see {@link ScratchContainer}) are left out: they are
 * Lifeline's own short-lived tools, and a stack made of one would be supervised, restarted or reported as gone.
 */
public final class StackAssembler {
    private static final Comparator<ContainerInfo> BY_NAME =
            Comparator.comparing(ContainerInfo::name).thenComparing(ContainerInfo::id);

    private final ComposeFiles composeFiles;

    public StackAssembler(ComposeFiles composeFiles) {
        this.composeFiles = composeFiles;
    }

    /** Stacks sorted by name, and every problem of every stack (in the same order). */
    public record Assembly(List<Stack> stacks, List<LabelProblem> problems) {
        public Assembly {
            stacks = List.copyOf(stacks);
            problems = List.copyOf(problems);
        }
    }

    private record Placement(StackName name, StackSource source, List<LabelProblem> problems) {}

    public Assembly assemble(List<ContainerInfo> containers) {
        Map<StackName, List<ContainerInfo>> members = new TreeMap<>();
        Map<StackName, List<Placement>> placements = new TreeMap<>();
        for (ContainerInfo container : containers.stream().filter(c -> !isScratch(c)).sorted(BY_NAME).toList()) {
            Placement placement = place(container);
            members.computeIfAbsent(placement.name(), k -> new ArrayList<>()).add(container);
            placements.computeIfAbsent(placement.name(), k -> new ArrayList<>()).add(placement);
        }
        List<Stack> stacks = new ArrayList<>();
        List<LabelProblem> allProblems = new ArrayList<>();
        for (var entry : members.entrySet()) {
            Stack stack = build(entry.getKey(), entry.getValue(), placements.get(entry.getKey()));
            stacks.add(stack);
            allProblems.addAll(stack.problems());
        }
        return new Assembly(stacks, allProblems);
    }

    /** Lifeline's own throw-away containers (verified restores) belong to no stack. */
    static boolean isScratch(ContainerInfo container) {
        return "true".equalsIgnoreCase(container.labels().get(ScratchContainer.LABEL));
    }

    private Stack build(StackName name, List<ContainerInfo> containers, List<Placement> placements) {
        List<LabelProblem> problems = new ArrayList<>();
        placements.forEach(p -> problems.addAll(p.problems()));
        StackSource source = placements.stream().map(Placement::source).min(Comparator.comparing(StackAssembler::rank))
                .orElseThrow();
        if (source != StackSource.CONTAINER) {
            for (int i = 0; i < containers.size(); i++) {
                if (placements.get(i).source() == StackSource.CONTAINER) {
                    problems.add(new LabelProblem(containers.get(i).name(), Labels.STACK, null,
                            "the container's name is also the name of the " + source.name().toLowerCase()
                                    + " stack '" + name + "'; it is grouped into that stack"));
                }
            }
        }

        boolean protectedStack = false;
        Integer tier = null;
        Set<StackName> dependsOn = new TreeSet<>();
        for (ContainerInfo container : containers) {
            ContainerPolicy policy = PolicyParser.parse(container);
            problems.addAll(policy.problems());
            protectedStack |= policy.protectedFlag();
            if (policy.tier().isPresent()) {
                tier = tier == null ? policy.tier().getAsInt() : Math.min(tier, policy.tier().getAsInt());
            }
            dependsOn.addAll(policy.dependsOn());
        }
        dependsOn.remove(name);
        StackPolicy policy = new StackPolicy(protectedStack, tier == null ? 0 : tier, dependsOn);

        Map<String, Set<String>> dependencies = containerDependencies(source, containers, problems);
        return new Stack(name, source, containers, policy, dependencies, problems);
    }

    private Map<String, Set<String>> containerDependencies(StackSource source, List<ContainerInfo> containers,
            List<LabelProblem> problems) {
        Map<String, List<ContainerInfo>> byProject = new TreeMap<>();
        for (ContainerInfo container : containers) {
            String project = container.label(Labels.COMPOSE_PROJECT);
            if (project != null && !project.isBlank()) {
                byProject.computeIfAbsent(project, k -> new ArrayList<>()).add(container);
            }
        }
        Map<String, Set<String>> dependencies = new TreeMap<>();
        for (var entry : byProject.entrySet()) {
            List<ContainerInfo> projectContainers = entry.getValue();
            Map<String, Set<String>> serviceDependencies =
                    serviceDependencies(source, entry.getKey(), projectContainers, problems);
            Map<String, Set<String>> containersOfService = new TreeMap<>();
            for (ContainerInfo container : projectContainers) {
                String service = container.label(Labels.COMPOSE_SERVICE);
                if (service != null) {
                    containersOfService.computeIfAbsent(service, k -> new TreeSet<>()).add(container.name());
                }
            }
            for (ContainerInfo container : projectContainers) {
                Set<String> needed = new TreeSet<>();
                for (String service : serviceDependencies.getOrDefault(container.name(), Set.of())) {
                    needed.addAll(containersOfService.getOrDefault(service, Set.of()));
                }
                needed.remove(container.name());
                if (!needed.isEmpty()) {
                    dependencies.computeIfAbsent(container.name(), k -> new TreeSet<>()).addAll(needed);
                }
            }
        }
        Map<String, Set<String>> frozen = new TreeMap<>();
        dependencies.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return frozen;
    }

    /** Container name to the services it depends on, for the containers of one compose project. */
    private Map<String, Set<String>> serviceDependencies(StackSource source, String project,
            List<ContainerInfo> containers, List<LabelProblem> problems) {
        Map<String, Set<String>> result = new TreeMap<>();
        boolean labelled = containers.stream().anyMatch(c -> c.label(Labels.COMPOSE_DEPENDS_ON) != null);
        if (labelled) {
            for (ContainerInfo container : containers) {
                var parsed = PolicyParser.parseComposeDependsOn(container.name(),
                        container.label(Labels.COMPOSE_DEPENDS_ON));
                problems.addAll(parsed.problems());
                result.put(container.name(), parsed.services());
            }
            return result;
        }
        if (source != StackSource.COMPOSE) {
            return result;
        }
        ContainerInfo first = containers.getFirst();
        ComposeProject composeProject = new ComposeProject(project,
                containers.stream().map(c -> c.label(Labels.COMPOSE_WORKING_DIR)).filter(v -> v != null)
                        .findFirst().orElse(""),
                containers.stream().map(c -> c.label(Labels.COMPOSE_CONFIG_FILES)).filter(v -> v != null)
                        .findFirst().map(StackAssembler::splitList).orElse(List.of()));
        switch (composeFiles.dependsOn(composeProject)) {
            case ComposeFiles.Found found -> {
                for (ContainerInfo container : containers) {
                    String service = container.label(Labels.COMPOSE_SERVICE);
                    if (service != null) {
                        result.put(container.name(), found.dependsOn().getOrDefault(service, Set.of()));
                    }
                }
            }
            case ComposeFiles.Unreadable unreadable -> problems.add(new LabelProblem(first.name(),
                    Labels.COMPOSE_CONFIG_FILES, unreadable.file(),
                    "cannot read depends_on of compose project '" + project + "': " + unreadable.reason()
                            + "; its containers start without an order among them"));
        }
        return result;
    }

    private Placement place(ContainerInfo container) {
        List<LabelProblem> problems = new ArrayList<>();
        String label = container.label(Labels.STACK);
        if (label != null) {
            if (StackName.isValid(label.trim())) {
                return new Placement(StackName.of(label.trim()), StackSource.LABEL, problems);
            }
            problems.add(new LabelProblem(container.name(), Labels.STACK, label,
                    "not a valid stack name (1-128 letters, digits, '_', '.' or '-', starting with a letter or digit);"
                            + " grouping by the compose project or the container name instead"));
        }
        String project = container.label(Labels.COMPOSE_PROJECT);
        if (project != null) {
            if (StackName.isValid(project.trim())) {
                return new Placement(StackName.of(project.trim()), StackSource.COMPOSE, problems);
            }
            problems.add(new LabelProblem(container.name(), Labels.COMPOSE_PROJECT, project,
                    "not a valid stack name; the container is its own stack"));
        }
        return new Placement(nameFromContainer(container), StackSource.CONTAINER, problems);
    }

    /**
     * A valid stack name for a lone container: its name with a leading '/' dropped, every character a stack name
     * cannot hold replaced by '-', leading non-alphanumerics dropped, cut to 128 characters. Deterministic.
     */
    public static StackName nameFromContainer(ContainerInfo container) {
        String sanitized = sanitize(container.name());
        if (sanitized.isEmpty()) {
            sanitized = sanitize("container-" + container.shortId());
        }
        return StackName.of(sanitized);
    }

    static String sanitize(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (char c : raw.toCharArray()) {
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (out.isEmpty() && !(allowed && Character.isLetterOrDigit(c))) {
                continue;
            }
            out.append(allowed ? c : '-');
        }
        return out.length() > 128 ? out.substring(0, 128) : out.toString();
    }

    private static int rank(StackSource source) {
        return switch (source) {
            case LABEL -> 0;
            case COMPOSE -> 1;
            case CONTAINER -> 2;
        };
    }

    private static List<String> splitList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
