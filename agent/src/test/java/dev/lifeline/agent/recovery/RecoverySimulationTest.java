package dev.lifeline.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.agent.command.Command;
import dev.lifeline.agent.command.DiskGuard;
import dev.lifeline.agent.command.StackCommands;
import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.Intent;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.InMemoryJournal;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Deterministic simulation of recovery and of the user's stop/start with the fake engine and journal: one seed, a
 * simulated clock, no real sleeps. A clean run counts the crash points it reaches; then for every k the same world
 * crashes at the k-th point (the agent objects are dropped, the journal and engine survive), a new agent recovers,
 * and the invariants are checked: every stack that should run runs, dependencies first; user-stopped stacks stay
 * down; never-seen stacks are not started; no marker is left open.
 */
class RecoverySimulationTest {

    /** Thrown at the armed crash point: the simulated agent process dies there. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("simulated crash at " + point, null, false, false);
        }
    }

    /** Crashes at the k-th crash point reached (1-based); k = 0 never crashes. Counts the points it saw. */
    static final class CountingCrash implements CrashPoints {
        final int crashAt;
        final List<String> seen = new ArrayList<>();

        CountingCrash(int crashAt) {
            this.crashAt = crashAt;
        }

        @Override
        public void reach(String point) {
            seen.add(point);
            if (seen.size() == crashAt) {
                throw new SimulatedCrash(point);
            }
        }
    }

    /** One generated host: stacks with dependencies, which ran, which the user stopped, which never ran. */
    record World(SimClock clock, FakeEngine engine, InMemoryJournal journal, Map<String, Set<String>> deps,
            Set<String> shouldRun, Set<String> userStopped, Set<String> neverRan, String commandStack,
            boolean commandIsStop) {}

    static World generate(long seed) {
        Random random = new Random(seed);
        SimClock clock = new SimClock(Instant.parse("2026-11-21T00:00:00Z"));
        FakeEngine engine = new FakeEngine(clock);
        InMemoryJournal journal = new InMemoryJournal();
        int n = 3 + random.nextInt(6);
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        Set<String> shouldRun = new TreeSet<>();
        Set<String> userStopped = new TreeSet<>();
        Set<String> neverRan = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            String name = "s" + i;
            Set<String> d = new TreeSet<>();
            for (int j = 0; j < i; j++) {
                if (random.nextInt(3) == 0) {
                    d.add("s" + j);
                }
            }
            deps.put(name, d);
            Map<String, String> labels = new HashMap<>();
            labels.put("lifeline.stack", name);
            if (!d.isEmpty()) {
                labels.put("lifeline.depends-on", String.join(",", d));
            }
            int containers = 1 + random.nextInt(2);
            for (int c = 0; c < containers; c++) {
                engine.add(name + "-c" + c, labels);
            }
            int kind = random.nextInt(6);
            StackName stack = StackName.of(name);
            if (kind == 0) {
                neverRan.add(name);
            } else if (kind == 1) {
                userStopped.add(name);
                journal.setIntent(stack, Intent.USER_STOPPED, "stopped by cli", clock.instant());
            } else {
                shouldRun.add(name);
                journal.addToRunningSet(Set.of(stack), clock.instant());
                journal.setIntent(stack, Intent.RUNNING, "default", clock.instant());
            }
        }
        // The user's stacks that should run were running before the host went down.
        for (String name : shouldRun) {
            for (int c = 0; c < 2; c++) {
                try {
                    engine.alreadyRunning(name + "-c" + c);
                } catch (RuntimeException noSuchContainer) {
                    // stacks have one or two containers
                }
            }
        }
        journal.recordRecoveryComplete("boot-1", clock.instant());
        engine.simulateHostReboot();
        List<String> candidates = new ArrayList<>(shouldRun);
        candidates.addAll(userStopped);
        String commandStack = candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        boolean stop = commandStack != null && shouldRun.contains(commandStack);
        return new World(clock, engine, journal, deps, shouldRun, userStopped, neverRan, commandStack, stop);
    }

    /** The agent's objects for one simulated process life; dropping them is the crash. */
    record Agent(RecoveryService recovery, StackCommands commands) {
        static Agent boot(World w, CrashPoints crash, long seed) {
            OwnActions own = new OwnActions(w.clock());
            Inventory inventory = new Inventory(w.engine(), new StackAssembler(ComposeFiles.NONE));
            StackStarter starter = new StackStarter(w.engine(), own, w.clock(), w.clock()::advance, new Random(seed),
                    Duration.ofSeconds(1));
            StackStopper stopper = new StackStopper(w.engine(), own, Duration.ofSeconds(10));
            RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2,
                    Duration.ofSeconds(30));
            StackLocks locks = new StackLocks();
            StackCommands commands = new StackCommands(inventory, w.journal(), starter, stopper, retry, crash, w.clock(),
                    locks, DiskGuard.NONE);
            return new Agent(new RecoveryService(inventory, w.journal(), commands, starter, locks, crash, w.clock(), 1,
                    retry), commands);
        }
    }

    /** Recovery after a reboot, then the user's stop or start of one stack, crashing at the k-th point. */
    static List<String> lifeUntilCrash(World w, int crashAt, long seed) throws InterruptedException {
        CountingCrash crash = new CountingCrash(crashAt);
        Agent agent = Agent.boot(w, crash, seed);
        try {
            agent.recovery().recover("boot-2", true);
            if (w.commandStack() != null) {
                StackName s = StackName.of(w.commandStack());
                agent.commands().execute(w.commandIsStop() ? new Command.StopStack(s, "cli")
                        : new Command.StartStack(s, "cli"));
            }
        } catch (SimulatedCrash e) {
            // the process died here; its objects are gone, the journal and the engine remain
        }
        return crash.seen;
    }

    @Property(tries = 60)
    void everyCrashPointConvergesAfterRestart(@ForAll @LongRange(min = 1, max = 1_000_000) long seed)
            throws InterruptedException {
        int points = lifeUntilCrash(generate(seed), 0, seed).size();
        for (int k = 1; k <= points; k++) {
            World w = generate(seed);
            lifeUntilCrash(w, k, seed);
            Agent restarted = Agent.boot(w, CrashPoints.NONE, seed);
            restarted.recovery().recover("boot-2", true);
            checkInvariants(w, "seed " + seed + ", crash at point " + k + " of " + points);
        }
    }

    private static void checkInvariants(World w, String context) {
        Set<String> expectedUp = new TreeSet<>(w.shouldRun());
        Set<String> expectedDown = new TreeSet<>(w.userStopped());
        expectedDown.addAll(w.neverRan());
        if (w.commandStack() != null) {
            // The command was accepted before the crash only if its marker was written; either way the intent in
            // the journal is the truth the agent must converge to.
            Intent intent = w.journal().intents().get(StackName.of(w.commandStack())).intent();
            if (intent == Intent.USER_STOPPED) {
                expectedUp.remove(w.commandStack());
                expectedDown.add(w.commandStack());
            } else {
                expectedDown.remove(w.commandStack());
                expectedUp.add(w.commandStack());
            }
        }
        for (String stack : expectedUp) {
            assertThat(up(w, stack)).as(context + ": " + stack + " should run; calls " + w.engine().callLog()).isTrue();
        }
        for (String stack : expectedDown) {
            assertThat(anyUp(w, stack)).as(context + ": " + stack + " should stay down").isFalse();
        }
        assertThat(w.journal().openMarkers()).as(context + ": open markers").isEmpty();
        List<String> starts = w.engine().callLog().stream().filter(c -> c.startsWith("start ")).toList();
        for (String stack : expectedUp) {
            for (String dep : w.deps().get(stack)) {
                // A dependency the user starts after recovery comes after its dependents, by the user's choice.
                boolean startedLaterByUser = dep.equals(w.commandStack()) && !w.commandIsStop();
                if (expectedUp.contains(dep) && !startedLaterByUser) {
                    int lastDepStart = lastIndex(starts, dep);
                    int firstStart = firstIndex(starts, stack, lastDepStart);
                    assertThat(lastDepStart).as(context + ": " + dep + " before " + stack + " in " + starts)
                            .isLessThanOrEqualTo(firstStart);
                }
            }
        }
    }

    private static boolean up(World w, String stack) {
        return w.engine().listContainers().stream().filter(c -> c.name().startsWith(stack + "-"))
                .allMatch(c -> c.isUp());
    }

    private static boolean anyUp(World w, String stack) {
        return w.engine().listContainers().stream().filter(c -> c.name().startsWith(stack + "-"))
                .anyMatch(c -> c.isUp());
    }

    private static int lastIndex(List<String> starts, String stack) {
        int last = -1;
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i).startsWith("start " + stack + "-")) {
                last = i;
            }
        }
        return last;
    }

    private static int firstIndex(List<String> starts, String stack, int after) {
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i).startsWith("start " + stack + "-")) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
