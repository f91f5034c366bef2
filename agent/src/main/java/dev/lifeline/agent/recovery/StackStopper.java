package dev.lifeline.agent.recovery;

import dev.lifeline.core.engine.ContainerEngine;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.plan.ContainerOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops one stack cleanly, dependents before their dependencies. Stopping a stopped stack is a no-op. */
public final class StackStopper {
    private static final Logger log = LoggerFactory.getLogger(StackStopper.class);
    private final ContainerEngine engine;
    private final OwnActions own;
    private final Duration stopTimeout;

    public StackStopper(ContainerEngine engine, OwnActions own, Duration stopTimeout) {
        this.engine = engine;
        this.own = own;
        this.stopTimeout = stopTimeout;
    }

    public void stop(Stack stack, CrashPoints crash, String afterFirstPoint) {
        Map<String, ContainerInfo> byName = stack.containers().stream()
                .collect(Collectors.toMap(ContainerInfo::name, Function.identity()));
        List<List<String>> levels = new ArrayList<>(ContainerOrder.levels(stack).levels());
        java.util.Collections.reverse(levels);
        boolean first = true;
        for (List<String> level : levels) {
            for (String name : level) {
                ContainerInfo c = byName.get(name);
                if (c == null || !c.isUp()) {
                    continue;
                }
                own.begin(c.id());
                try {
                    engine.stop(c.id(), stopTimeout);
                } finally {
                    own.endStop(c.id());
                }
                log.info("event=container_stopped stack={} container={}", stack.name(), name);
                if (first) {
                    first = false;
                    crash.reach(afterFirstPoint);
                }
            }
        }
    }
}
