package dev.lifeline.core.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The fleet under the monitor's decisions, over many seeds (see {@link SimFleet} and {@link FleetInvariants}). A
 * failing seed prints the line that replays it alone, with the end of its trace.
 *
 * <p>{@code -Dfleet.sim.seeds=N} runs N seeds (default 10,000) from {@code -Dfleet.sim.from} (default 0);
 * {@code -Dfleet.sim.seed=S} replays seed S alone.
 */
class FleetSimulationTest {
    private static final String REPLAY = "./mvnw -B -q -pl core test -Dtest=FleetSimulationTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dfleet.sim.seed=";

    static SimFleet simulate(long seed, boolean tracing) {
        SimFleet fleet = SimFleet.random(seed, tracing);
        try {
            fleet.run();
        } catch (AssertionError | RuntimeException e) {
            SimFleet traced = tracing ? fleet : SimFleet.random(seed, true);
            if (!tracing) {
                try {
                    traced.run();
                } catch (AssertionError | RuntimeException again) {
                    // the same failure, now with its trace
                }
            }
            List<String> tail = traced.trace.subList(Math.max(0, traced.trace.size() - 60), traced.trace.size());
            throw new AssertionError("seed " + seed + " fails; replay: " + REPLAY + seed + "\n" + e.getMessage()
                    + "\n--- the fleet: " + traced.trace.getFirst() + "\n--- end of the trace ---\n"
                    + String.join("\n", tail), e);
        }
        return fleet;
    }

    @Test
    void everySeedKeepsTheFleetsInvariants() {
        String only = System.getProperty("fleet.sim.seed");
        if (only != null) {
            SimFleet fleet = SimFleet.random(Long.parseLong(only), true);
            try {
                fleet.run();
            } finally {
                if (Boolean.getBoolean("fleet.sim.print")) {
                    fleet.trace.forEach(System.out::println);
                }
            }
            return;
        }
        long from = Long.getLong("fleet.sim.from", 0);
        long seeds = Long.getLong("fleet.sim.seeds", 10_000);
        long started = System.nanoTime();
        long steps = 0;
        for (long seed = from; seed < from + seeds; seed++) {
            steps += simulate(seed, false).steps;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("fleet simulation: %d seeds (%d..%d), %d events, in %.1f s: %.0f seeds/s%n", seeds, from,
                from + seeds - 1, steps, seconds, seeds / seconds);
    }

    @Test
    void theSeedsReachEveryRuleAndEveryFault() {
        Map<String, Integer> reached = new TreeMap<>();
        for (long seed = 0; seed < 1000; seed++) {
            SimFleet fleet = simulate(seed, false);
            for (SimStore.Audit a : fleet.store.audit) {
                String reason = a.reason();
                count(reached, "hold begins", a.action().equals("fleet.mass-silence-hold"));
                count(reached, "hold ends", a.action().equals("fleet.mass-silence-end"));
                count(reached, "host unreachable", a.action().equals("host.unreachable"));
                count(reached, "host back online", a.action().equals("host.online"));
                count(reached, "zombie destroyed", a.action().equals("workload.destroy-zombie"));
                count(reached, "command completed", reason.contains(" completed: "));
                count(reached, "command did not take", reason.contains("did not take"));
                count(reached, "stack gone past the grace", reason.contains("the stack is gone"));
                count(reached, "backup released", reason.contains("the backup no longer holds it"));
                count(reached, "orphaned", reason.startsWith("orphaned"));
                count(reached, "discovered", reason.startsWith("discovered"));
                count(reached, "started outside", reason.startsWith("started outside"));
                count(reached, "failover grace", reason.contains("failover grace"));
            }
            count(reached, "quiet restore", fleet.store.changes.stream().anyMatch(c -> !c.audited()));
            count(reached, "command expired", fleet.expiredCommands > 0);
            count(reached, "cut from every reporting host", fleet.guardedTotalCuts > 0);
        }
        System.out.println("fleet simulation, 1000 seeds reach: " + reached);
        assertThat(reached).hasSize(16).allSatisfy((rule, count) -> assertThat(count).as(rule).isPositive());
    }

    private static void count(Map<String, Integer> reached, String what, boolean happened) {
        if (happened) {
            reached.merge(what, 1, Integer::sum);
        }
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(simulate(seed, true).trace).isEqualTo(simulate(seed, true).trace);
        }
    }
}
