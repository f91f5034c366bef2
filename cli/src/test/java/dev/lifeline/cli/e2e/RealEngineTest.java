package dev.lifeline.cli.e2e;

import dev.lifeline.testkit.engine.TestEngine;
import dev.lifeline.testkit.process.AgentProcess;
import java.time.Duration;

/**
 * Tests of the real agent process on a private real engine: {@link OnEachEngine} runs them on Podman and on Docker;
 * a test of what no engine changes starts the one it needs itself.
 */
abstract class RealEngineTest {
    /** Generous: a slow machine makes a test slower, never red. */
    static final Duration READY = Duration.ofSeconds(90);
    static TestEngine engine;

    /** Starts the agent and waits until it is ready and has recorded {@code runningStacks} stacks as running. */
    static AgentProcess readyAgent(Host host, int runningStacks) {
        AgentProcess agent = host.agent();
        agent.awaitReady(READY);
        awaitRunningSet(agent, runningStacks);
        return agent;
    }

    static void awaitRunningSet(AgentProcess agent, int runningStacks) {
        Host.await(Duration.ofSeconds(30), "the agent records " + runningStacks + " running stacks", () ->
                Host.stacks(agent).values().stream().filter(s -> s.get("inRunningSet").asBoolean()).count()
                        == runningStacks);
    }
}
