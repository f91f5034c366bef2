package dev.lifeline.agent.recovery;

import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.LabelProblem;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the engine's containers and groups them into stacks; reports each bad label once. */
public final class Inventory {
    private static final Logger log = LoggerFactory.getLogger(Inventory.class);
    private final ContainerEngine engine;
    private final StackAssembler assembler;
    private final Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Inventory(ContainerEngine engine, StackAssembler assembler) {
        this.engine = engine;
        this.assembler = assembler;
    }

    /** Every stack with full container detail (health, start times, restart policies). */
    public List<Stack> stacks() {
        return assembled(engine.listContainers());
    }

    /**
     * Every stack with what recovery decides from: running containers may lack health, start time and restart
     * policy. Much cheaper on Podman, where full detail costs one inspect per container.
     */
    public List<Stack> stackStates() {
        return assembled(engine.listContainerStates());
    }

    private List<Stack> assembled(List<ContainerInfo> containers) {
        StackAssembler.Assembly assembly = assembler.assemble(containers);
        Set<String> seen = new HashSet<>();
        for (Stack s : assembly.stacks()) {
            for (LabelProblem p : s.problems()) {
                String key = s.name() + "|" + p;
                seen.add(key);
                if (reported.add(key)) {
                    log.warn("event=label_problem stack={} {}", s.name(), p);
                }
            }
        }
        reported.retainAll(seen);
        return assembly.stacks();
    }

    /** One stack's states, for acting on it; an unknown name is the user's error, answered with the known ones. */
    public Stack require(StackName name) {
        List<Stack> stacks = stackStates();
        return stacks.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownStackException(name.value(),
                        stacks.stream().map(s -> s.name().value()).sorted().toList()));
    }

    /**
     * A stack made of the named containers only, each inspected (at once when there are several): for a stack
     * whose containers are known, cheaper than listing every container of the host, which Podman answers by
     * checking the state of each. Containers that no longer exist are left out; empty when none is left.
     */
    public Optional<Stack> stackOf(StackName name, List<String> containerNames) throws InterruptedException {
        List<ContainerInfo> found = AtOnce.map(containerNames, engine::inspect).stream()
                .flatMap(Optional::stream).toList();
        return assembled(found).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** One stack's states, for acting on it (stop, start). */
    public Optional<Stack> stack(StackName name) {
        return stackStates().stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
