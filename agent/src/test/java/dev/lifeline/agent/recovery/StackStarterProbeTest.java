package dev.lifeline.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.fault.CrashPoints;
import dev.lifeline.core.model.StackName;
import dev.lifeline.core.policy.StackAssembler;
import dev.lifeline.core.retry.RetryPolicy;
import dev.lifeline.testkit.sim.FakeEngine;
import dev.lifeline.testkit.sim.Healthcheck;
import dev.lifeline.testkit.sim.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The start gate on an engine that runs healthchecks only on request (Podman without systemd), on the simulated
 * engine and clock: a container is ready at the first passing probe, probes come quickly at first and then spread
 * out, failing probes are not a verdict before the attempt timeout, and a container known to have a healthcheck is
 * not left to settle first. Nothing here sleeps.
 */
class StackStarterProbeTest {
    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(1),
            2.0, 0.0, Duration.ofSeconds(60));

    private final SimClock clock = new SimClock(T0);
    private final FakeEngine engine = new FakeEngine(clock);
    private final Inventory inventory = new Inventory(engine, new StackAssembler(ComposeFiles.NONE));
    private final StackStarter starter = new StackStarter(engine, new OwnActions(clock), clock, clock::advance,
            new Random(1), SETTLE);

    @Test
    void readyAtTheFirstPassingProbeWithoutAnotherInspection() throws InterruptedException {
        engine.healthchecksOnRequest(true);
        engine.add("db", Map.of("lifeline.stack", "db"), Healthcheck.after(Duration.ofMillis(200)));
        learnWhileRunning("db");

        StartOutcome outcome = starter.start(inventory.require(StackName.of("db")), ONE_ATTEMPT, CrashPoints.NONE, "");

        assertThat(outcome).isInstanceOf(StartOutcome.Started.class);
        Instant started = lastCall("start").at();
        List<FakeEngine.Call> probes = calls("healthcheck");
        // probed at once, then every 50 ms while young: healthy at 200 ms is seen at the 200 ms probe
        assertThat(probes.getFirst().at()).isEqualTo(started);
        assertThat(Duration.between(started, clock.instant())).isEqualTo(Duration.ofMillis(200));
        assertThat(probes).hasSize(5);
        // the passing probe was the last engine call: no inspection after it
        assertThat(engine.calls().getLast().action()).isEqualTo("healthcheck");
    }

    @Test
    void aProbeThatCannotRunFallsBackToAnInspectionWhichSeesTheContainerEnded() throws InterruptedException {
        engine.healthchecksOnRequest(true);
        engine.add("crashy", Map.of("lifeline.stack", "crashy"), Healthcheck.never());
        // the container dies during the first wait after a failing probe
        StackStarter crashing = new StackStarter(engine, new OwnActions(clock), clock, d -> {
            engine.crash("crashy", 1);
            clock.advance(d);
        }, new Random(1), SETTLE);
        engine.alreadyRunning("crashy");
        crashing.learn(engine.inspect("crashy").orElseThrow());
        engine.stop(engine.inspect("crashy").orElseThrow().id(), Duration.ofSeconds(1));

        StartOutcome outcome = crashing.start(inventory.require(StackName.of("crashy")), ONE_ATTEMPT,
                CrashPoints.NONE, "");

        assertThat(outcome).isInstanceOf(StartOutcome.Failed.class);
        // the inspection after the probe that could not run saw the exit, at once (not at the attempt timeout)
        assertThat(((StartOutcome.Failed) outcome).lastError()).isEqualTo("container crashy exited with code 1 while"
                + " starting");
        assertThat(calls("healthcheck")).hasSize(1);
        assertThat(Duration.between(lastCall("start").at(), clock.instant())).isEqualTo(StackStarter.PROBE_MIN_GAP);
    }

    @Test
    void probesSpreadOutForASlowContainer() throws InterruptedException {
        engine.healthchecksOnRequest(true);
        engine.add("slow", Map.of("lifeline.stack", "slow"), Healthcheck.after(Duration.ofSeconds(30)));
        learnWhileRunning("slow");

        StartOutcome outcome = starter.start(inventory.require(StackName.of("slow")), ONE_ATTEMPT, CrashPoints.NONE,
                "");

        assertThat(outcome).isInstanceOf(StartOutcome.Started.class);
        List<FakeEngine.Call> probes = calls("healthcheck");
        // a quarter of the time so far between 50 and 500 ms: about 70 probes over 30 s, not 600
        assertThat(probes.size()).isBetween(60, 90);
        for (int i = 1; i < probes.size(); i++) {
            Duration gap = Duration.between(probes.get(i - 1).at(), probes.get(i).at());
            assertThat(gap).isBetween(StackStarter.PROBE_MIN_GAP, StackStarter.PROBE_MAX_GAP);
        }
        // seen healthy within one maximal gap of becoming healthy
        assertThat(Duration.between(lastCall("start").at(), clock.instant()))
                .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(30).plus(StackStarter.PROBE_MAX_GAP));
    }

    @Test
    void failingProbesAreNotAVerdictBeforeTheAttemptTimeout() throws InterruptedException {
        engine.healthchecksOnRequest(true);
        engine.add("never", Map.of("lifeline.stack", "never"), Healthcheck.never());

        StartOutcome outcome = starter.start(inventory.require(StackName.of("never")), ONE_ATTEMPT, CrashPoints.NONE,
                "");

        assertThat(outcome).isInstanceOf(StartOutcome.Failed.class);
        assertThat(((StartOutcome.Failed) outcome).lastError()).contains("not ready within the attempt timeout")
                .contains("healthcheck still failing");
        assertThat(Duration.between(lastCall("start").at(), clock.instant()))
                .isGreaterThanOrEqualTo(ONE_ATTEMPT.attemptTimeout());
    }

    @Test
    void anUnknownContainerSettlesFirstAKnownOneIsProbedAtOnce() throws InterruptedException {
        engine.healthchecksOnRequest(true);
        engine.add("fresh", Map.of("lifeline.stack", "fresh"), Healthcheck.after(Duration.ofMillis(100)));

        starter.start(inventory.require(StackName.of("fresh")), ONE_ATTEMPT, CrashPoints.NONE, "");
        // never inspected while running: the starter cannot know of the healthcheck and waits the settle time
        assertThat(Duration.between(lastCall("start").at(), clock.instant())).isEqualTo(SETTLE);

        // now it knows (it inspected the container while starting it)
        engine.stop(engine.inspect("fresh").orElseThrow().id(), Duration.ofSeconds(1));
        starter.start(inventory.require(StackName.of("fresh")), ONE_ATTEMPT, CrashPoints.NONE, "");
        assertThat(Duration.between(lastCall("start").at(), clock.instant())).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void anEngineThatRunsItsOwnChecksIsReadByInspection() throws InterruptedException {
        engine.add("docker", Map.of("lifeline.stack", "docker"), Healthcheck.after(Duration.ofMillis(600)));
        learnWhileRunning("docker");

        StartOutcome outcome = starter.start(inventory.require(StackName.of("docker")), ONE_ATTEMPT, CrashPoints.NONE,
                "");

        assertThat(outcome).isInstanceOf(StartOutcome.Started.class);
        assertThat(calls("healthcheck")).isEmpty();
        // inspected every 250 ms: healthy at 600 ms is seen at 750 ms
        assertThat(Duration.between(lastCall("start").at(), clock.instant())).isEqualTo(Duration.ofMillis(750));
    }

    /** What a backup's quiesce does: inspect the running container, tell the starter, stop it. */
    private void learnWhileRunning(String name) {
        engine.alreadyRunning(name);
        starter.learn(engine.inspect(name).orElseThrow());
        engine.stop(engine.inspect(name).orElseThrow().id(), Duration.ofSeconds(1));
    }

    private List<FakeEngine.Call> calls(String action) {
        return engine.calls().stream().filter(c -> c.action().equals(action)).toList();
    }

    private FakeEngine.Call lastCall(String action) {
        return calls(action).getLast();
    }
}
