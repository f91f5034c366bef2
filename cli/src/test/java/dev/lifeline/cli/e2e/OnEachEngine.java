package dev.lifeline.cli.e2e;

import dev.lifeline.core.engine.EngineKind;
import dev.lifeline.core.fault.CrashPoint;
import dev.lifeline.testkit.engine.TestEngine;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every test of a subclass runs once per engine, Podman and Docker, on one private engine per engine and test class;
 * {@code kind} says which, for the few expectations that differ.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(EngineKind.class)
abstract class OnEachEngine extends RealEngineTest {
    /**
     * The crash points Docker runs: where a kill -9 leaves the engine half way through an operation (some stacks
     * started, a stack half stopped or half started, one quiesced and another not, a stack stopped for a restore),
     * which the next agent finishes through the engine. The other points differ only in what Lifeline itself has
     * written; Podman runs them all.
     */
    private static final Set<String> DOCKER_CRASH_POINTS = Set.of(CrashPoint.RECOVERY_AFTER_FIRST_LEVEL,
            CrashPoint.STOP_AFTER_FIRST_CONTAINER, CrashPoint.START_AFTER_FIRST_CONTAINER,
            CrashPoint.BACKUP_AFTER_FIRST_QUIESCE, CrashPoint.BACKUP_AFTER_SNAPSHOT, CrashPoint.RESTORE_BETWEEN_RENAMES);

    @Parameter
    EngineKind kind;

    /** Every one of {@code points} on Podman; on Docker those in {@link #DOCKER_CRASH_POINTS}. */
    List<String> crashPoints(List<String> points) {
        return kind == EngineKind.PODMAN ? points : points.stream().filter(DOCKER_CRASH_POINTS::contains).toList();
    }

    @BeforeParameterizedClassInvocation
    static void startEngine(EngineKind kind) {
        engine = TestEngine.start(kind);
    }

    @AfterParameterizedClassInvocation
    static void stopEngine() {
        engine.close();
    }
}
