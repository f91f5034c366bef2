package dev.lifeline.agent.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeline.agent.command.StackLocks;
import dev.lifeline.agent.engine.ComposeFileReader;
import dev.lifeline.agent.recovery.Inventory;
import dev.lifeline.agent.recovery.OwnActions;
import dev.lifeline.agent.recovery.StackStarter;
import dev.lifeline.core.journal.JournalEvent;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.retry.CrashLoopBackoff;
import dev.lifeline.core.supervise.PendingStops;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.InMemoryJournal;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Which engine events make the supervisor list the host again. The supervisor runs on its own thread here (real
 * executor, simulated clock for its decisions); the engine and journal are the in-memory fakes, so this checks the
 * supervisor's logic, not the Docker adapter.
 */
class SupervisorEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void anEventOfAStackAnOperationHoldsListsNothingWhileAnEventOfAnyOtherStackResyncs() throws Exception {
        SimClock clock = new SimClock();
        FakeEngine engine = new FakeEngine(clock);
        engine.add("db", Map.of("lifeline.stack", "held"));
        engine.add("web", Map.of("lifeline.stack", "free"));
        engine.alreadyRunning("db");
        engine.alreadyRunning("web");
        InMemoryJournal journal = new InMemoryJournal();
        journal.addToRunningSet(Set.of(StackName.of("held"), StackName.of("free")), clock.instant());
        OwnActions own = new OwnActions(clock);
        Inventory inventory = new Inventory(engine, new StackAssembler(new ComposeFileReader()));
        StackStarter starter = new StackStarter(engine, own, clock, d -> { }, new Random(7), Duration.ZERO);
        // the periodic resync runs once at the start and then not within the test
        Supervisor supervisor = new Supervisor(engine, inventory, journal, starter, new StackLocks(), own, clock,
                Duration.ofHours(1), new CrashLoopBackoff(new CrashLoopBackoff.Config(Duration.ofSeconds(10),
                        Duration.ofMinutes(5), Duration.ofMinutes(10))),
                new PendingStops.Timing(Duration.ofSeconds(30), 3, Duration.ofMinutes(2)), Duration.ofSeconds(30));
        supervisor.holdsFrom(s -> s.value().equals("held") ? Optional.of("backup job b1") : Optional.empty());
        try (supervisor) {
            supervisor.start();
            // the periodic resync's first run and the one after subscribing to events
            await(() -> engine.listings() == 2, "the two resyncs of the start");
            int before = engine.listings();

            engine.crash("db", 1); // the held stack: the operation that holds it deals with it
            engine.crash("web", 1); // delivered after it, on the same thread: a resync that sees the crash
            await(() -> crashed(journal, "free"), "the crash of the free stack");

            assertEquals(before + 1, engine.listings(), "only the free stack's event lists the host");
            assertTrue(!crashed(journal, "held"), "the held stack is left to its operation: " + journal.recentEvents(20));
        }
    }

    private static boolean crashed(InMemoryJournal journal, String stack) {
        return journal.recentEvents(50).stream().map(JournalEvent.class::cast)
                .anyMatch(e -> e.kind().equals("stack_crashed") && e.stack().equals(stack));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
