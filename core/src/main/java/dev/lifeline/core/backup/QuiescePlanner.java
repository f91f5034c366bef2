package dev.lifeline.core.backup;

import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.plan.BootPlan;
import dev.lifeline.core.policy.ContainerPolicy;
import dev.lifeline.core.policy.Labels;
import dev.lifeline.core.policy.PolicyParser;
import dev.lifeline.core.policy.QuiesceMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which stacks a backup job quiesces, how, and in which order. Pure: the same input gives the same plan.
 *
 * <p><b>Which stacks.</b> A stack is quiesced when it was selected, is not protected and at least one of its
 * containers is running. Only its running containers are quiesced and later resumed: a container (or a whole stack)
 * that was already stopped is never put on the restart list, and a container paused by someone else is left alone.
 * Every other stack is excluded with its reason; a protected stack is never touched even when selected.
 *
 * <p><b>Order.</b> Stacks are quiesced dependents first: the reverse of the order {@link BootPlan} would start all
 * current stacks in, restricted to the quiesced ones. Planning over all stacks keeps the order right when a
 * dependency runs through a stack that is not selected. Resume is the reverse: dependencies first.
 *
 * <p><b>Mode.</b> A stack's mode is the most conservative its running containers ask for, ranked
 * {@code stop > hook > pause > none}. Containers of a stack are backed up together, so the stack must give every
 * container at least the consistency it asked for: stopping ends every process and flushes everything to disk;
 * a hook asks the application itself to make its data consistent; pausing freezes processes wherever they are, so
 * the data is only as consistent as after a power cut; none promises nothing. Picking a weaker mode than one of the
 * containers asked for would break that container's promise, a stronger one only costs availability.
 *
 * <p><b>Hooks.</b> {@code lifeline.quiesce.pre} and {@code lifeline.quiesce.post} of each running container are
 * split into argument lists by {@link CommandLine} (never run through a shell). A value that cannot be split is a
 * reported problem and is dropped; when the container's mode was hook or pause (whose consistency the hook was part
 * of) the container counts as stop instead, the safe default. {@code lifeline.quiesce.prepare} is split the same
 * way; it runs before the job's marker while the app still serves, whatever the mode, and only makes the quiesce
 * lighter (PostgreSQL's {@code CHECKPOINT} leaves its shutdown little to write), so a malformed one is dropped
 * without changing the mode.
 */
public final class QuiescePlanner {
    private static final Comparator<QuiesceMode> CONSERVATIVE = Comparator.comparingInt(QuiescePlanner::rank);

    private QuiescePlanner() {}

    /**
     * @param selected the stacks the job was asked to back up
     * @param all      every current stack (with its containers and policy), for dependencies and exclusions
     */
    public static QuiescePlan plan(Collection<StackName> selected, Collection<Stack> all) {
        Map<StackName, Stack> byName = new TreeMap<>();
        all.forEach(s -> byName.put(s.name(), s));
        Set<StackName> chosen = new TreeSet<>(selected);

        List<Exclusion> excluded = new ArrayList<>();
        List<LabelProblem> problems = new ArrayList<>();
        Map<StackName, QuiesceTarget> targets = new TreeMap<>();
        for (Stack stack : byName.values()) {
            StackName name = stack.name();
            List<ContainerInfo> running = stack.containers().stream()
                    .filter(c -> c.status() == ContainerStatus.RUNNING)
                    .sorted(Comparator.comparing(ContainerInfo::name)).toList();
            if (!chosen.contains(name)) {
                excluded.add(new Exclusion(name, Exclusion.Reason.NOT_SELECTED, "not selected for this job"));
            } else if (stack.isProtected()) {
                excluded.add(new Exclusion(name, Exclusion.Reason.PROTECTED,
                        "protected (" + Labels.PROTECTED + "=true): never quiesced"));
            } else if (running.isEmpty()) {
                excluded.add(new Exclusion(name, Exclusion.Reason.NOT_RUNNING,
                        "no container is running: nothing to quiesce, and it will not be started afterwards"));
            } else {
                targets.put(name, target(name, running, problems));
            }
        }
        for (StackName name : chosen) {
            if (!byName.containsKey(name)) {
                excluded.add(new Exclusion(name, Exclusion.Reason.NOT_FOUND, "no container belongs to this stack"));
            }
        }
        excluded.sort(Comparator.comparing(Exclusion::stack));

        BootPlan boot = BootPlan.plan(byName.values(), byName.keySet());
        List<QuiesceTarget> quiesceOrder = new ArrayList<>();
        for (StackName name : boot.order().reversed()) {
            QuiesceTarget target = targets.get(name);
            if (target != null) {
                quiesceOrder.add(target);
            }
        }
        return new QuiescePlan(quiesceOrder, excluded, problems, boot.notes());
    }

    /** The mode of a stack whose containers ask for {@code modes}: the most conservative; none when empty. */
    public static QuiesceMode merge(Collection<QuiesceMode> modes) {
        return modes.stream().max(CONSERVATIVE).orElse(QuiesceMode.NONE);
    }

    private static QuiesceTarget target(StackName name, List<ContainerInfo> running, List<LabelProblem> problems) {
        List<QuiesceMode> modes = new ArrayList<>();
        List<Hook> pre = new ArrayList<>();
        List<Hook> post = new ArrayList<>();
        List<Hook> prepare = new ArrayList<>();
        for (ContainerInfo container : running) {
            ContainerPolicy policy = PolicyParser.parse(container);
            policy.problems().stream().filter(p -> p.key() != null && p.key().startsWith(Labels.QUIESCE))
                    .forEach(problems::add);
            QuiesceMode mode = policy.quiesce();
            // a prepare hook only lightens the quiesce: a malformed one is dropped, and the mode stays what it was
            hook(container, Labels.QUIESCE_PREPARE, policy.quiescePrepare(), QuiesceMode.NONE, problems)
                    .ifPresent(prepare::add);
            Optional<Hook> preHook = hook(container, Labels.QUIESCE_PRE, policy.quiescePre(), mode, problems);
            Optional<Hook> postHook = hook(container, Labels.QUIESCE_POST, policy.quiescePost(), mode, problems);
            boolean malformed = (policy.quiescePre().isPresent() && preHook.isEmpty())
                    || (policy.quiescePost().isPresent() && postHook.isEmpty());
            preHook.ifPresent(pre::add);
            postHook.ifPresent(post::add);
            if (malformed && (mode == QuiesceMode.HOOK || mode == QuiesceMode.PAUSE)) {
                mode = QuiesceMode.STOP;
            }
            modes.add(mode);
        }
        return new QuiesceTarget(name, merge(modes), running.stream().map(ContainerInfo::name).toList(), pre, post,
                prepare);
    }

    private static Optional<Hook> hook(ContainerInfo container, String key, Optional<String> value, QuiesceMode mode,
            List<LabelProblem> problems) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return switch (CommandLine.split(value.get())) {
            case CommandLine.Argv argv -> Optional.of(new Hook(container.name(), argv.args()));
            case CommandLine.Malformed malformed -> {
                String instead = mode == QuiesceMode.HOOK || mode == QuiesceMode.PAUSE
                        ? "; the hook is not run and the container is quiesced with stop instead"
                        : "; the hook is not run";
                problems.add(new LabelProblem(container.name(), key, value.get(),
                        "cannot be split into an argument list: " + malformed.reason() + instead));
                yield Optional.empty();
            }
        };
    }

    private static int rank(QuiesceMode mode) {
        return switch (mode) {
            case STOP -> 3;
            case HOOK -> 2;
            case PAUSE -> 1;
            case NONE -> 0;
        };
    }
}
