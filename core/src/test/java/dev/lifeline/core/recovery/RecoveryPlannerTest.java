package dev.lifeline.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.journal.IntentRecord;
import dev.lifeline.core.model.ContainerInfo;
import dev.lifeline.core.model.ContainerStatus;
import dev.lifeline.core.model.Health;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.Stack;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.model.StackPolicy;
import dev.lifeline.core.model.StackSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RecoveryPlannerTest {
    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

    static Stack stack(String name, boolean up, int exitCode, boolean oom) {
        ContainerInfo c = new ContainerInfo(name + "-id", name, "img", Map.of(),
                up ? ContainerStatus.RUNNING : ContainerStatus.EXITED, Health.NONE, Optional.of(T),
                up ? Optional.empty() : Optional.of(T), exitCode, oom, "no");
        return new Stack(StackName.of(name), StackSource.LABEL, List.of(c), StackPolicy.DEFAULT, Map.of(), List.of());
    }

    static Map<StackName, IntentRecord> stopped(String... names) {
        Map<StackName, IntentRecord> m = new java.util.HashMap<>();
        for (String n : names) {
            m.put(StackName.of(n), new IntentRecord(StackName.of(n), Intent.USER_STOPPED, "stopped by cli", T));
        }
        return m;
    }

    static Set<StackName> names(String... names) {
        Set<StackName> s = new java.util.HashSet<>();
        for (String n : names) {
            s.add(StackName.of(n));
        }
        return s;
    }

    static Class<?> decisionFor(List<StackDecision> plan, String name) {
        return plan.stream().filter(d -> d.stack().value().equals(name)).findFirst().orElseThrow().getClass();
    }

    @Test
    void afterARebootEveryStackThatRanAndShouldRunIsStarted() {
        List<StackDecision> plan = RecoveryPlanner.plan(new RecoveryInput(
                List.of(stack("db", false, 255, false), stack("notes", false, 143, false),
                        stack("scratch", false, 0, false), stack("proxy", true, 0, false)),
                stopped("notes"), names("db", "notes", "proxy"), true, Set.of()));
        assertThat(decisionFor(plan, "db")).isEqualTo(StackDecision.Start.class);
        assertThat(decisionFor(plan, "notes")).isEqualTo(StackDecision.LeaveStopped.class);
        assertThat(decisionFor(plan, "scratch")).isEqualTo(StackDecision.NotStarted.class);
        assertThat(decisionFor(plan, "proxy")).isEqualTo(StackDecision.AlreadyUp.class);
    }

    @Test
    void withoutARebootAStopThatLooksDeliberateIsKeptAndACrashIsRestarted() {
        List<StackDecision> plan = RecoveryPlanner.plan(new RecoveryInput(
                List.of(stack("stopped", false, 143, false), stack("crashed", false, 2, false),
                        stack("oom", false, 137, true)),
                Map.of(), names("stopped", "crashed", "oom"), false, Set.of()));
        assertThat(decisionFor(plan, "stopped")).isEqualTo(StackDecision.AdoptUserStop.class);
        assertThat(decisionFor(plan, "crashed")).isEqualTo(StackDecision.Start.class);
        assertThat(decisionFor(plan, "oom")).isEqualTo(StackDecision.Start.class);
    }

    @Test
    void aPromiseFromAnInterruptedOperationStartsTheStackEvenIfItWasNotInTheRunningSet() {
        List<StackDecision> plan = RecoveryPlanner.plan(new RecoveryInput(
                List.of(stack("app", false, 143, false)), Map.of(), Set.of(), false, names("app")));
        assertThat(decisionFor(plan, "app")).isEqualTo(StackDecision.Start.class);
    }

    @Test
    void aStackGoneFromTheEngineIsForgotten() {
        List<StackDecision> plan = RecoveryPlanner.plan(new RecoveryInput(List.of(), Map.of(), names("gone"), true,
                Set.of()));
        assertThat(plan).singleElement().isInstanceOf(StackDecision.Forget.class);
    }

    @Property(tries = 200)
    void neverStartsAUserStoppedStackNorOneItNeverSawRunning(@ForAll long seed) {
        Random random = new Random(seed);
        List<Stack> stacks = new ArrayList<>();
        Set<StackName> running = new java.util.HashSet<>();
        List<String> userStopped = new ArrayList<>();
        Set<StackName> promised = new java.util.HashSet<>();
        for (int i = 0; i < 1 + random.nextInt(10); i++) {
            String n = "s" + i;
            stacks.add(stack(n, random.nextBoolean(), List.of(0, 1, 137, 143, 255).get(random.nextInt(5)),
                    random.nextInt(5) == 0));
            if (random.nextBoolean()) {
                running.add(StackName.of(n));
            }
            if (random.nextInt(3) == 0) {
                userStopped.add(n);
            }
            if (random.nextInt(5) == 0) {
                promised.add(StackName.of(n));
            }
        }
        RecoveryInput input = new RecoveryInput(stacks, stopped(userStopped.toArray(String[]::new)), running,
                random.nextBoolean(), promised);
        List<StackDecision> plan = RecoveryPlanner.plan(input);
        for (StackDecision d : plan) {
            if (d instanceof StackDecision.Start) {
                assertThat(userStopped).doesNotContain(d.stack().value());
                assertThat(running.contains(d.stack()) || promised.contains(d.stack())).isTrue();
            }
        }
        List<Stack> shuffled = new ArrayList<>(stacks);
        Collections.shuffle(shuffled, random);
        assertThat(RecoveryPlanner.plan(new RecoveryInput(shuffled, input.intents(), running, input.hostRebooted(),
                promised))).as("same plan whatever the input order").isEqualTo(plan);
    }
}
