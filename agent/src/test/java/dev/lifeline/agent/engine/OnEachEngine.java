package dev.lifeline.agent.engine;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.testkit.engine.TestEngine;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tests of the engine adapter that run on each real engine, one private engine per engine and test class: Podman's
 * API service and a Docker daemon. {@code engine} is the real engine (its CLI sets the scene), {@code adapter} the
 * {@link DockerEngine} under test.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(EngineKind.class)
abstract class OnEachEngine {
    static TestEngine engine;
    static DockerEngine adapter;

    @Parameter
    EngineKind kind;

    @BeforeParameterizedClassInvocation
    static void startEngine(EngineKind kind) {
        engine = TestEngine.start(kind);
        adapter = new DockerEngine(engine.socketUri());
    }

    @AfterParameterizedClassInvocation
    static void stopEngine() {
        if (adapter != null) {
            adapter.close();
        }
        if (engine != null) {
            engine.close();
        }
    }
}
