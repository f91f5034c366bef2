package dev.lifeline.agent.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.engine.ComposeFileReader;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.OwnActions;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.agent.recovery.StackStopper;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.QuiesceMode;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A stop-mode quiesce and its resume read the stack before the job's downtime, not inside it. Logic only: the engine
 * is the in-memory fake (the real engine paths are covered by the backup tests on Podman).
 */
class QuiescerTest {
    private static final StackName STACK = StackName.of("app");
    private static final List<String> CONTAINERS = List.of("db", "web");

    private final SimClock clock = new SimClock();
    private final FakeEngine engine = new FakeEngine(clock);
    private final Quiescer quiescer;

    QuiescerTest() {
        engine.add("db", Map.of("com.docker.compose.project", "app", "com.docker.compose.service", "db"));
        engine.add("web", Map.of("com.docker.compose.project", "app", "com.docker.compose.service", "web",
                "com.docker.compose.depends_on", "db:service_started:false"));
        OwnActions own = new OwnActions(clock);
        StackStarter starter = new StackStarter(engine, own, clock, d -> { }, new Random(3), Duration.ZERO);
        quiescer = new Quiescer(new Inventory(engine, new StackAssembler(new ComposeFileReader())), engine,
                new StackStopper(engine, own, Duration.ofSeconds(10)), starter,
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, Duration.ofSeconds(30)),
                Duration.ofSeconds(10), new StackLocks());
    }

    @Test
    void aStopAndItsResumeReadNothingButTheHealthGateInsideTheDowntime() throws Exception {
        engine.alreadyRunning("db");
        engine.alreadyRunning("web");
        Stack prepared = quiescer.prepare(STACK, QuiesceMode.STOP, CONTAINERS);
        int before = engine.inspections();

        Stack stopped = quiescer.quiesce(STACK, QuiesceMode.STOP, CONTAINERS, List.of(), prepared);
        assertEquals(before, engine.inspections(), "the quiesce stops from the prepared stack");
        assertEquals(List.of("stop web", "stop db"), engine.callLog(), "dependents first");
        assertTrue(stopped.containers().stream().noneMatch(ContainerInfo::isUp), stopped.toString());

        quiescer.resume(STACK, QuiesceMode.STOP, CONTAINERS, List.of(), true, stopped);
        assertEquals(List.of("stop web", "stop db", "start db", "start web"), engine.callLog());
        // one look per container after its start (the health gate), nothing before the starts
        assertEquals(before + 2, engine.inspections());
        assertTrue(engine.inspect("db").orElseThrow().isUp() && engine.inspect("web").orElseThrow().isUp());
    }

    @Test
    void aContainerStartedBetweenThePrepareAndTheQuiesceIsStoppedAllTheSame() throws Exception {
        engine.alreadyRunning("db"); // web is down when the job reads the stack
        Stack prepared = quiescer.prepare(STACK, QuiesceMode.STOP, CONTAINERS);
        engine.start("web"); // and up again by the time the marker is written

        quiescer.quiesce(STACK, QuiesceMode.STOP, CONTAINERS, List.of(), prepared);

        assertTrue(!engine.inspect("db").orElseThrow().isUp() && !engine.inspect("web").orElseThrow().isUp(),
                "every container of the job is stopped");
    }

    @Test
    void withoutAPreparedStackTheQuiesceAndTheResumeReadTheStackThemselves() throws Exception {
        engine.alreadyRunning("db");
        engine.alreadyRunning("web");

        Stack stopped = quiescer.quiesce(STACK, QuiesceMode.STOP, CONTAINERS, List.of(), null);
        quiescer.resume(STACK, QuiesceMode.STOP, CONTAINERS, List.of(), true, null);

        assertTrue(stopped.containers().stream().noneMatch(ContainerInfo::isUp), stopped.toString());
        assertEquals(List.of("stop web", "stop db", "start db", "start web"), engine.callLog());
        assertTrue(engine.inspect("db").orElseThrow().isUp() && engine.inspect("web").orElseThrow().isUp());
    }
}
